// docs/configuration.md is generated from the schema: this test fails when the committed file
// differs from what config_reference_markdown() produces (a key added, a range changed).
// Regenerate with `tinybms-gw config docs > docs/configuration.md`, or run this test with
// TBGW_UPDATE_DOCS=1 to rewrite the file.
#include "platform/linux/config_docs.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "core/config/config_schema.hpp"

namespace {

const std::string kDocPath = std::string(TBGW_SOURCE_DIR) + "/docs/configuration.md";

TEST(ConfigDocs, GIVEN_schema_WHEN_reference_generated_THEN_committed_file_is_identical) {
  const std::string generated = tbgw::platform::config_reference_markdown();
  if (const char* update = std::getenv("TBGW_UPDATE_DOCS"); update && std::string(update) == "1") {
    std::ofstream(kDocPath, std::ios::binary) << generated;
  }
  std::ifstream in(kDocPath, std::ios::binary);
  ASSERT_TRUE(in) << "missing " << kDocPath;
  std::ostringstream committed;
  committed << in.rdbuf();
  EXPECT_EQ(committed.str(), generated)
      << kDocPath << " is out of date: run `tinybms-gw config docs > docs/configuration.md` "
      << "(or this test with TBGW_UPDATE_DOCS=1)";
}

TEST(ConfigDocs, GIVEN_schema_WHEN_reference_generated_THEN_every_key_has_a_table_row) {
  const std::string md = tbgw::platform::config_reference_markdown();
  for (const auto& k : tbgw::config::schema()) {
    EXPECT_NE(md.find("| `" + std::string(k.key) + "` |"), std::string::npos) << k.key;
  }
}

}  // namespace
