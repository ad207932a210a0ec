# Finds ksdoctor's dependencies for the native, static Linux and MinGW builds alike and defines
# the targets the project links: OpenSSL::Crypto, OpenSSL::SSL, nlohmann_json::nlohmann_json,
# CLI11::CLI11 (and, for tests, doctest::doctest), ZLIB::ZLIB.
find_package(Threads REQUIRED)

# The native build links Debian's static libcrypto/libssl (libssl-dev) and libstdc++ when they
# exist: resolving the shared libraries' symbols at every start cost each run about 3 ms, more
# than reading a small keystore (bench/RESULTS.md). glibc stays shared, so name resolution and
# OpenSSL's legacy provider module (which links the shared libcrypto) load as usual; so does zlib,
# which is small and which lintian refuses to see embedded in a .deb. Sanitizer, fuzzing and cross
# builds link dynamically.
if(KSDOCTOR_SANITIZE OR KSDOCTOR_FUZZ OR KSDOCTOR_PORTABLE OR CMAKE_CROSSCOMPILING)
  set(static_deps_default OFF)
else()
  set(static_deps_default ON)
endif()
option(KSDOCTOR_STATIC_DEPS
       "Link the system's static OpenSSL and libstdc++ into the native executables"
       ${static_deps_default})
unset(static_deps_default)
if(KSDOCTOR_STATIC_DEPS AND NOT KSDOCTOR_OPENSSL_ROOT AND NOT KSDOCTOR_ZLIB_ROOT)
  # Systems without the static archives (e.g. no libstdc++-static on Red Hat) link dynamically.
  include(CheckCXXSourceCompiles)
  set(CMAKE_REQUIRED_LINK_OPTIONS -static-libstdc++ -static-libgcc)
  check_cxx_source_compiles("#include <string>\nint main() { return std::string(\"x\").size() == 1 ? 0 : 1; }"
                            KSDOCTOR_HAVE_STATIC_LIBSTDCXX)
  unset(CMAKE_REQUIRED_LINK_OPTIONS)
  find_library(KSDOCTOR_LIBCRYPTO_A libcrypto.a)
  if(KSDOCTOR_HAVE_STATIC_LIBSTDCXX AND KSDOCTOR_LIBCRYPTO_A)
    set(OPENSSL_USE_STATIC_LIBS TRUE)
    add_link_options(-static-libstdc++ -static-libgcc)
    message(STATUS "Linking OpenSSL and libstdc++ statically (KSDOCTOR_STATIC_DEPS)")
  else()
    message(STATUS "KSDOCTOR_STATIC_DEPS: static libstdc++/libcrypto not found; linking dynamically")
  endif()
endif()

# OpenSSL: the system's, or the static build of Debian's source package under KSDOCTOR_OPENSSL_ROOT,
# wired by hand so FindOpenSSL's platform guesses (and the sysroot of a cross build) do not matter.
if(KSDOCTOR_OPENSSL_ROOT)
  set(root ${KSDOCTOR_OPENSSL_ROOT})
  foreach(file include/openssl/opensslv.h lib/libcrypto.a lib/libssl.a)
    if(NOT EXISTS ${root}/${file})
      message(FATAL_ERROR "KSDOCTOR_OPENSSL_ROOT=${root} has no ${file}: "
                          "run scripts/build-openssl.sh first")
    endif()
  endforeach()
  file(STRINGS ${root}/include/openssl/opensslv.h major REGEX "define +OPENSSL_VERSION_MAJOR +[0-9]+")
  if(NOT major MATCHES "OPENSSL_VERSION_MAJOR +3")
    message(FATAL_ERROR "${root} does not hold OpenSSL 3")
  endif()
  add_library(OpenSSL::Crypto STATIC IMPORTED)
  set_target_properties(OpenSSL::Crypto PROPERTIES IMPORTED_LOCATION ${root}/lib/libcrypto.a
                                                   INTERFACE_INCLUDE_DIRECTORIES ${root}/include)
  if(WIN32)
    set_property(TARGET OpenSSL::Crypto PROPERTY INTERFACE_LINK_LIBRARIES
                 ws2_32 crypt32 bcrypt user32 advapi32)
  else()
    set_property(TARGET OpenSSL::Crypto PROPERTY INTERFACE_LINK_LIBRARIES
                 Threads::Threads ${CMAKE_DL_LIBS})
  endif()
  add_library(OpenSSL::SSL STATIC IMPORTED)
  set_target_properties(OpenSSL::SSL PROPERTIES IMPORTED_LOCATION ${root}/lib/libssl.a
                                                INTERFACE_INCLUDE_DIRECTORIES ${root}/include
                                                INTERFACE_LINK_LIBRARIES OpenSSL::Crypto)
  message(STATUS "OpenSSL: static, from ${root}")
  unset(root)
else()
  find_package(OpenSSL 3 REQUIRED)
endif()

# libcurl (the AIA fetch): the system's, or the static HTTP-only build of Debian's source package
# under KSDOCTOR_CURL_ROOT (scripts/build-curl.sh), linked against the OpenSSL above.
if(KSDOCTOR_CURL_ROOT)
  if(NOT EXISTS ${KSDOCTOR_CURL_ROOT}/lib/libcurl.a)
    message(FATAL_ERROR "KSDOCTOR_CURL_ROOT=${KSDOCTOR_CURL_ROOT} has no lib/libcurl.a: "
                        "run scripts/build-curl.sh first")
  endif()
  add_library(CURL::libcurl STATIC IMPORTED)
  set_target_properties(CURL::libcurl PROPERTIES
                        IMPORTED_LOCATION ${KSDOCTOR_CURL_ROOT}/lib/libcurl.a
                        INTERFACE_INCLUDE_DIRECTORIES ${KSDOCTOR_CURL_ROOT}/include
                        INTERFACE_COMPILE_DEFINITIONS CURL_STATICLIB
                        INTERFACE_LINK_LIBRARIES "OpenSSL::SSL;Threads::Threads")
  message(STATUS "libcurl: static, from ${KSDOCTOR_CURL_ROOT}")
else()
  find_package(CURL REQUIRED)
endif()

# zlib (gzip-compressed rotated SMTP logs, `logs`): the system's (zlib1g-dev), or the static build
# of Debian's source package under KSDOCTOR_ZLIB_ROOT (scripts/build-zlib.sh).
if(KSDOCTOR_ZLIB_ROOT)
  if(NOT EXISTS ${KSDOCTOR_ZLIB_ROOT}/lib/libz.a)
    message(FATAL_ERROR "KSDOCTOR_ZLIB_ROOT=${KSDOCTOR_ZLIB_ROOT} has no lib/libz.a: "
                        "run scripts/build-zlib.sh first")
  endif()
  add_library(ZLIB::ZLIB STATIC IMPORTED)
  set_target_properties(ZLIB::ZLIB PROPERTIES
                        IMPORTED_LOCATION ${KSDOCTOR_ZLIB_ROOT}/lib/libz.a
                        INTERFACE_INCLUDE_DIRECTORIES ${KSDOCTOR_ZLIB_ROOT}/include)
  message(STATUS "zlib: static, from ${KSDOCTOR_ZLIB_ROOT}")
else()
  find_package(ZLIB REQUIRED)
endif()

# Header-only libraries: a cross build still uses the host's copies, through a private include
# folder with symlinks to exactly these, and a package config in the build tree that find_package
# (here and in tests/) picks up.
function(ksdoctor_header_only package target)
  set(include ${CMAKE_BINARY_DIR}/header-only/include)
  file(MAKE_DIRECTORY ${include})
  foreach(dir ${ARGN})
    if(NOT EXISTS /usr/include/${dir})
      message(FATAL_ERROR "/usr/include/${dir} missing: install the Debian package with ${package}")
    endif()
    file(CREATE_LINK /usr/include/${dir} ${include}/${dir} SYMBOLIC)
  endforeach()
  set(KSDOCTOR_HO_PACKAGE ${package})
  set(KSDOCTOR_HO_TARGET ${target})
  set(KSDOCTOR_HO_INCLUDE ${include})
  set(config_dir ${CMAKE_BINARY_DIR}/header-only/${package})
  configure_file(${PROJECT_SOURCE_DIR}/cmake/header-only-config.cmake.in
                 ${config_dir}/${package}Config.cmake @ONLY)
  set(${package}_DIR ${config_dir} CACHE PATH "header-only ${package} for the cross build" FORCE)
endfunction()

if(CMAKE_CROSSCOMPILING)
  ksdoctor_header_only(nlohmann_json nlohmann_json::nlohmann_json nlohmann)
  ksdoctor_header_only(CLI11 CLI11::CLI11 CLI)
  ksdoctor_header_only(doctest doctest::doctest doctest)
endif()
find_package(nlohmann_json REQUIRED)
find_package(CLI11 REQUIRED)

if(KSDOCTOR_BOTAN)
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(BOTAN REQUIRED IMPORTED_TARGET botan-2)
endif()
