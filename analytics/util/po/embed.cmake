# Turn a compiled catalogue (.mo) into a C source holding its bytes:
#   cmake -DIN=vi.mo -DOUT=catalog_vi.c -DNAME=chiso__catalog_vi -P embed.cmake
file(READ "${IN}" _hex HEX)
string(LENGTH "${_hex}" _n)
math(EXPR _bytes "${_n} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," _arr "${_hex}")
string(REGEX REPLACE "(0x[0-9a-f][0-9a-f],){16}" "\\0\n" _arr "${_arr}")
file(WRITE "${OUT}.tmp"
"/* Generated from ${IN} by embed.cmake; do not edit. */\n#include <stddef.h>\nextern const unsigned char ${NAME}[];\nextern const size_t ${NAME}_len;\nconst unsigned char ${NAME}[] = {\n${_arr}0x00};\nconst size_t ${NAME}_len = ${_bytes};\n")
file(RENAME "${OUT}.tmp" "${OUT}")
