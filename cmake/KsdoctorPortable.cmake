# Options of the portable builds: ksdoctor.exe (toolchain file cmake/mingw-w64-x86_64.cmake) and a
# fully static Linux binary (-DKSDOCTOR_STATIC=ON). Both link OpenSSL built by
# scripts/build-openssl.sh (-DKSDOCTOR_OPENSSL_ROOT=PREFIX).
option(KSDOCTOR_STATIC "Link a fully static Linux executable (glibc, libstdc++, OpenSSL)" OFF)
set(KSDOCTOR_OPENSSL_ROOT "" CACHE PATH
    "Prefix of a static OpenSSL 3 (scripts/build-openssl.sh); empty: the system's OpenSSL")
set(KSDOCTOR_ZLIB_ROOT "" CACHE PATH
    "Prefix of a static zlib (scripts/build-zlib.sh); empty: the system's zlib")

if(WIN32 OR KSDOCTOR_STATIC)
  set(KSDOCTOR_PORTABLE ON)
else()
  set(KSDOCTOR_PORTABLE OFF)
endif()
# The cross-check dlopen()s the system's libbotan-2.so: meaningless in a static or Windows binary.
if(KSDOCTOR_PORTABLE)
  option(KSDOCTOR_BOTAN "Build the Botan cross-check (dlopen of libbotan-2)" OFF)
else()
  option(KSDOCTOR_BOTAN "Build the Botan cross-check (dlopen of libbotan-2)" ON)
endif()

if(KSDOCTOR_STATIC)
  if(WIN32)
    message(FATAL_ERROR "KSDOCTOR_STATIC is for Linux; the MinGW toolchain file links -static already")
  endif()
  if(NOT KSDOCTOR_OPENSSL_ROOT)
    message(FATAL_ERROR "KSDOCTOR_STATIC needs -DKSDOCTOR_OPENSSL_ROOT=<prefix of "
                        "scripts/build-openssl.sh linux-static>: Debian ships no static libcrypto "
                        "with the legacy provider inside")
  endif()
  # static-pie keeps ASLR; everything linked (OpenSSL -fPIC, Debian's libstdc++.a/libc.a) is PIC.
  include(CheckCXXSourceCompiles)
  set(CMAKE_REQUIRED_LINK_OPTIONS -static-pie)
  check_cxx_source_compiles("int main() { return 0; }" KSDOCTOR_HAVE_STATIC_PIE)
  unset(CMAKE_REQUIRED_LINK_OPTIONS)
  if(KSDOCTOR_HAVE_STATIC_PIE)
    add_link_options(-static-pie)
  else()
    add_link_options(-static)
  endif()
endif()

if(CMAKE_CROSSCOMPILING AND WIN32)
  find_program(KSDOCTOR_WINE64 wine64 PATHS /usr/lib/wine)
  find_program(KSDOCTOR_WINESERVER wineserver PATHS /usr/lib/wine)
  if(KSDOCTOR_WINE64 AND KSDOCTOR_WINESERVER)
    set(KSDOCTOR_WINEPREFIX ${CMAKE_BINARY_DIR}/wineprefix)
    configure_file(${CMAKE_CURRENT_LIST_DIR}/wine-run.sh.in ${CMAKE_BINARY_DIR}/wine-run.sh @ONLY
                   FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                                    WORLD_READ WORLD_EXECUTE)
    # Read when targets are created: must be set before any add_executable.
    set(CMAKE_CROSSCOMPILING_EMULATOR ${CMAKE_BINARY_DIR}/wine-run.sh)
  else()
    message(WARNING "wine64/wineserver not found (package wine64): tests cannot run")
  endif()
endif()
