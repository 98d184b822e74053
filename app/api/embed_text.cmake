# Writes OUTPUT, a .cpp defining tbgw::app::api::openapi_yaml() that returns the text of INPUT
# (docs/openapi.yaml). A raw string literal with a delimiter the YAML never contains; split in
# chunks below the compilers' string literal limits.
file(READ ${INPUT} text)
string(LENGTH "${text}" len)
set(out "// Generated from docs/openapi.yaml by app/api/embed_text.cmake. Do not edit.\n")
string(APPEND out "#include <string_view>\nnamespace tbgw::app::api {\nstd::string_view openapi_yaml() {\n")
string(APPEND out "  static const char text[] =\n")
set(pos 0)
while(pos LESS len)
  string(SUBSTRING "${text}" ${pos} 8000 chunk)
  string(APPEND out "R\"tbgwyaml(${chunk})tbgwyaml\"\n")
  math(EXPR pos "${pos} + 8000")
endwhile()
string(APPEND out "\"\";\n  return {text, sizeof(text) - 1};\n}\n}  // namespace tbgw::app::api\n")
file(WRITE ${OUTPUT} "${out}")
