# What `cmake --install` (and `make install`) puts under the prefix, and the .deb `cpack -G DEB`
# makes of the same files:
#   bin/ksdoctor
#   lib/libksdoctor.a, include/ksdoctor/*.hpp, lib/cmake/ksdoctor/ (find_package(ksdoctor) gives
#     ksdoctor::ksdoctor)
#   share/man/man1/ksdoctor.1 and share/bash-completion/completions/ksdoctor, both made at build
#     time from the binary's own --help by scripts/gen-cli-docs.py (so they cannot drift)
#   share/doc/ksdoctor/ (the manual: docs/*.md; the .deb adds copyright and changelog.Debian.gz)
# Tests: tests/install/.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

add_library(ksdoctor::ksdoctor ALIAS ksdoctor)
set_target_properties(ksdoctor PROPERTIES EXPORT_NAME ksdoctor)
set(KSDOCTOR_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/ksdoctor)

install(TARGETS ksdoctor-cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS ksdoctor EXPORT ksdoctorTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/ksdoctor DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.hpp")
install(EXPORT ksdoctorTargets NAMESPACE ksdoctor:: DESTINATION ${KSDOCTOR_CMAKE_DIR})

# The OpenSSL of KSDOCTOR_OPENSSL_ROOT (the portable builds) brings Threads::Threads along.
if(KSDOCTOR_OPENSSL_ROOT)
  set(KSDOCTOR_CONFIG_THREADS 1)
else()
  set(KSDOCTOR_CONFIG_THREADS 0)
endif()
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/ksdoctorConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/ksdoctorConfig.cmake
                              INSTALL_DESTINATION ${KSDOCTOR_CMAKE_DIR})
# 0.x: a minor version may change the API.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/ksdoctorConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/ksdoctorConfig.cmake
              ${PROJECT_BINARY_DIR}/ksdoctorConfigVersion.cmake
        DESTINATION ${KSDOCTOR_CMAKE_DIR})

install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/docs/cli.md
              ${PROJECT_SOURCE_DIR}/docs/json.md ${PROJECT_SOURCE_DIR}/docs/findings.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

# The man page and the bash completion, from the binary just built (not in a cross build, whose
# binary does not run here, nor in the sanitizer build, which installs nothing).
find_package(Python3 COMPONENTS Interpreter)
if(Python3_FOUND AND NOT CMAKE_CROSSCOMPILING AND NOT KSDOCTOR_SANITIZE)
  set(KSDOCTOR_MAN_PAGE ${PROJECT_BINARY_DIR}/ksdoctor.1)
  set(KSDOCTOR_COMPLETION ${PROJECT_BINARY_DIR}/ksdoctor.bash-completion)
  set(gen ${PROJECT_SOURCE_DIR}/scripts/gen-cli-docs.py)
  add_custom_command(
    OUTPUT ${KSDOCTOR_MAN_PAGE} ${KSDOCTOR_COMPLETION}
    COMMAND ${Python3_EXECUTABLE} ${gen} --ksdoctor $<TARGET_FILE:ksdoctor-cli>
            --version ${PROJECT_VERSION} --cli-md ${PROJECT_SOURCE_DIR}/docs/cli.md
            --man ${KSDOCTOR_MAN_PAGE} --bash ${KSDOCTOR_COMPLETION}
    DEPENDS ksdoctor-cli ${gen} ${PROJECT_SOURCE_DIR}/docs/cli.md
    COMMENT "Man page and bash completion from ksdoctor --help")
  add_custom_target(ksdoctor-cli-docs ALL DEPENDS ${KSDOCTOR_MAN_PAGE} ${KSDOCTOR_COMPLETION})
  # Component man: the .deb takes the gzipped copy below instead.
  install(FILES ${KSDOCTOR_MAN_PAGE} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT man)
  install(FILES ${KSDOCTOR_COMPLETION} DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
          RENAME ksdoctor)
endif()

# ------------------------------------------------------------------------------------------ .deb
# `cpack -G DEB` in the build folder (`make deb`): the files above under /usr. Depends comes from
# dpkg-shlibdeps on the binary; the man page and the Debian changelog are gzipped as Debian wants.
set(KSDOCTOR_DEB_DIR ${PROJECT_BINARY_DIR}/deb-extra)
if(KSDOCTOR_MAN_PAGE)
  add_custom_command(
    OUTPUT ${KSDOCTOR_DEB_DIR}/ksdoctor.1.gz ${KSDOCTOR_DEB_DIR}/changelog.Debian.gz
    COMMAND ${CMAKE_COMMAND} -E make_directory ${KSDOCTOR_DEB_DIR}
    COMMAND gzip -9nc ${KSDOCTOR_MAN_PAGE} > ${KSDOCTOR_DEB_DIR}/ksdoctor.1.gz
    COMMAND gzip -9nc ${PROJECT_SOURCE_DIR}/packaging/debian/changelog
            > ${KSDOCTOR_DEB_DIR}/changelog.Debian.gz
    DEPENDS ${KSDOCTOR_MAN_PAGE} ${PROJECT_SOURCE_DIR}/packaging/debian/changelog)
  add_custom_target(ksdoctor-deb-extra ALL
                    DEPENDS ${KSDOCTOR_DEB_DIR}/ksdoctor.1.gz ${KSDOCTOR_DEB_DIR}/changelog.Debian.gz)
  # Only in the package (component deb, which a plain install leaves out).
  install(FILES ${KSDOCTOR_DEB_DIR}/ksdoctor.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1
          COMPONENT deb EXCLUDE_FROM_ALL)
  install(FILES ${KSDOCTOR_DEB_DIR}/changelog.Debian.gz
                ${PROJECT_SOURCE_DIR}/packaging/debian/copyright
          DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT deb EXCLUDE_FROM_ALL)
endif()

set(CPACK_PACKAGE_NAME ksdoctor)
set(CPACK_PACKAGE_VENDOR "ksdoctor")
set(CPACK_PACKAGE_CONTACT "ksdoctor dev <dev@ksdoctor.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Java keystore doctor: see a keystore as the JVM does")
# One string; lines under 80 columns (lintian: extended-description-line-too-long).
string(CONCAT CPACK_PACKAGE_DESCRIPTION
       "ksdoctor reads JKS, JCEKS and PKCS#12 keystores exactly as the JVM does,\n"
       "explains why TLS would fail (chains, trust, key managers, DLP server logs)\n"
       "and repairs the keystore atomically. Also ships the static C++ library\n"
       "with its headers and CMake package.")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# The Debian revision: 0.1.0-1 (a non-native package, hence changelog.Debian.gz). Keep it and
# packaging/debian/changelog's first entry in step (the install_deb test compares them).
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Botan is loaded only for the cross-check (dlopen): a suggestion, not a dependency.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "libbotan-2-19")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://ksdoctor.invalid/")
set(CPACK_STRIP_FILES ON)
configure_file(${PROJECT_SOURCE_DIR}/cmake/KsdoctorDebStrip.cmake
               ${PROJECT_BINARY_DIR}/KsdoctorDebStrip.cmake @ONLY)
set(CPACK_PRE_BUILD_SCRIPTS ${PROJECT_BINARY_DIR}/KsdoctorDebStrip.cmake)
# One package of the default component and the deb one (gzipped man page, changelog, copyright).
set(CPACK_INSTALL_CMAKE_PROJECTS
    "${PROJECT_BINARY_DIR};ksdoctor;Unspecified;/;${PROJECT_BINARY_DIR};ksdoctor;deb;/")
include(CPack)
