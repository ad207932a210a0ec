# CPack pre-build script (CPACK_PRE_BUILD_SCRIPTS, cmake/KsdoctorInstall.cmake): the staged
# libksdoctor.a without its debug information. CPACK_STRIP_FILES strips the binary only; the
# RelWithDebInfo archive is ~190 MB of DWARF, which would make the .deb ~40 MB and lintian slow.
# Symbols stay: the archive links as before.
file(GLOB_RECURSE archives "${CPACK_TEMPORARY_DIRECTORY}/*/libksdoctor.a")
foreach(archive ${archives})
  execute_process(COMMAND "@CMAKE_STRIP@" --strip-debug "${archive}" RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "strip --strip-debug ${archive} failed: ${status}")
  endif()
endforeach()
if(NOT archives)
  message(FATAL_ERROR "no libksdoctor.a under ${CPACK_TEMPORARY_DIRECTORY} to strip")
endif()
