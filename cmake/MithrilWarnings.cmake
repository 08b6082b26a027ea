# MithrilWarnings.cmake: warning flags and sanitizer options for mithril's own targets.
#
#   mithril_warnings(<target>)  adds -Wall -Wextra -Wpedantic (and -Werror when MITHRIL_WERROR=ON).
#   MITHRIL_SANITIZE            e.g. "address,undefined": adds -fsanitize=... to every target
#                               (compile and link), with frame pointers kept.
# Third-party headers (LLVM, Catch2, Boost, TBB) come in as SYSTEM includes, so these flags only
# report warnings from our own code.
include_guard(GLOBAL)

option(MITHRIL_WERROR "Treat compiler warnings in mithril's own code as errors" OFF)
set(MITHRIL_SANITIZE "" CACHE STRING "Comma-separated sanitizers (-fsanitize=...), empty for none")

if(MITHRIL_SANITIZE)
  add_compile_options(-fsanitize=${MITHRIL_SANITIZE} -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${MITHRIL_SANITIZE})
endif()

function(mithril_warnings target)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANG_AND_ID:CXX,GNU,Clang>:-Wall -Wextra -Wpedantic>)
  # g++ 12 at -O2/-O3 reports bogus -Wrestrict overlaps inside libstdc++'s std::string
  # concatenation ("accessing 9223372036854775810 or more bytes", GCC bug 105329); fixed in 13.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-Wno-restrict>)
  endif()
  if(MITHRIL_WERROR)
    target_compile_options(${target} PRIVATE $<$<COMPILE_LANG_AND_ID:CXX,GNU,Clang>:-Werror>)
  endif()
endfunction()
