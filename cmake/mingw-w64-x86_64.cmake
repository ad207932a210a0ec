# Toolchain for ksdoctor.exe: Debian's MinGW-w64 cross compilers, -posix variants (std::thread and
# std::mutex on winpthreads). -static links libgcc, libstdc++ and winpthread into the executable, so
# ksdoctor.exe needs no DLL beside the ones every Windows has.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(KSDOCTOR_MINGW_TRIPLE x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${KSDOCTOR_MINGW_TRIPLE}-gcc-posix)
set(CMAKE_CXX_COMPILER ${KSDOCTOR_MINGW_TRIPLE}-g++-posix)
set(CMAKE_RC_COMPILER ${KSDOCTOR_MINGW_TRIPLE}-windres)

# Libraries and headers only from the MinGW sysroot (and roots the project adds, such as its own
# OpenSSL); build tools (javac, openssl, wine) from the host.
set(CMAKE_FIND_ROOT_PATH /usr/${KSDOCTOR_MINGW_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
