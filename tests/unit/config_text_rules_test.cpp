// String rules of the configuration (UTF-8, printable ASCII, paths, CAN backend strings) and
// the fixed-capacity string that stores them.
#include "core/config/config_text_rules.hpp"

#include <gtest/gtest.h>

#include "core/config/fixed_string.hpp"

namespace tbgw::config {
namespace {

struct TextCase {
  TextRule rule;
  std::string_view text;
  TextCheck expected;
};

TEST(ConfigTextRules, GIVEN_table_of_strings_WHEN_checked_THEN_expected_verdict) {
  const TextCase cases[] = {
      {TextRule::text, "", TextCheck::ok},
      {TextRule::text, "Garage r\xC3\xA9serve \xE2\x82\xAC \xF0\x9F\x94\x8B", TextCheck::ok},
      {TextRule::text, "tab\there", TextCheck::bad_text},
      {TextRule::text, "del\x7F", TextCheck::bad_text},
      {TextRule::text, "\xC3", TextCheck::bad_text},              // truncated sequence
      {TextRule::text, "\xC0\xAF", TextCheck::bad_text},          // overlong '/'
      {TextRule::text, "\xED\xA0\x80", TextCheck::bad_text},      // UTF-16 surrogate
      {TextRule::text, "\xF4\x90\x80\x80", TextCheck::bad_text},  // above U+10FFFF
      {TextRule::text, "\xFF", TextCheck::bad_text},
      {TextRule::absolute_path, "", TextCheck::ok},
      {TextRule::absolute_path, "/dev/serial/by-id/usb-FTDI-if00-port0", TextCheck::ok},
      {TextRule::absolute_path, "dev/ttyUSB0", TextCheck::bad_format},
      // Issue 18 finding 11: certificates and keys are PEM files, not any readable file.
      {TextRule::pem_path, "", TextCheck::ok},
      {TextRule::pem_path, "/etc/letsencrypt/live/gw/fullchain.pem", TextCheck::ok},
      {TextRule::pem_path, "/etc/ssl/private/ssl-cert-snakeoil.key", TextCheck::ok},
      {TextRule::pem_path, "/var/lib/tinybms-gw/ca.crt", TextCheck::ok},
      {TextRule::pem_path, "/etc/shadow", TextCheck::bad_format},
      {TextRule::pem_path, "/proc/self/environ", TextCheck::bad_format},
      {TextRule::pem_path, "/dev/zero.pem", TextCheck::bad_format},
      {TextRule::pem_path, "/etc/ssl/../shadow.pem", TextCheck::bad_format},
      {TextRule::pem_path, "/etc/ssl/./x.pem", TextCheck::bad_format},
      {TextRule::pem_path, "/etc/ssl/.pem", TextCheck::bad_format},
      {TextRule::pem_path, "cert.pem", TextCheck::bad_format},
      {TextRule::can_backend, "log:-", TextCheck::ok},
      {TextRule::can_backend, "log:/var/lib/tinybms-gw/can.log", TextCheck::ok},
      {TextRule::can_backend, "log:/tmp/can.log", TextCheck::ok},
      {TextRule::can_backend, "log:/dev/null", TextCheck::ok},
      {TextRule::can_backend, "log:/etc/cron.d/x", TextCheck::bad_format},
      {TextRule::can_backend, "log:/usr/lib/x", TextCheck::bad_format},
      {TextRule::can_backend, "log:/root/.ssh/authorized_keys", TextCheck::bad_format},
      {TextRule::can_backend, "log:/proc/sysrq-trigger", TextCheck::bad_format},
      {TextRule::can_backend, "log:/dev/sda", TextCheck::bad_format},
      {TextRule::can_backend, "log:/tmp/../etc/passwd", TextCheck::bad_format},
      {TextRule::can_backend, "log:/tmp/", TextCheck::bad_format},
      {TextRule::can_backend, "slcan:/dev/ttyACM0", TextCheck::ok},
      {TextRule::can_backend, "slcan:/etc/passwd", TextCheck::bad_format},
      {TextRule::can_backend, "slcan:/dev/../etc/passwd", TextCheck::bad_format},
      {TextRule::ascii_name, "TinyBMS ~!", TextCheck::ok},
      {TextRule::ascii_name, "Tiny\xC3\xA9", TextCheck::bad_text},
      {TextRule::can_backend, "log:-", TextCheck::ok},
      {TextRule::can_backend, "socketcan:can0", TextCheck::ok},
      {TextRule::can_backend, "socketcan:can/0", TextCheck::bad_format},
      {TextRule::can_backend, "socketcan:0123456789abcdef", TextCheck::bad_format},  // 16 bytes
      {TextRule::can_backend, "slcan:", TextCheck::bad_format},
      {TextRule::can_backend, "", TextCheck::bad_format},
      {TextRule::listen_address, "", TextCheck::ok},
      {TextRule::listen_address, "127.0.0.1:8080", TextCheck::ok},
      {TextRule::listen_address, "0.0.0.0:80", TextCheck::ok},
      {TextRule::listen_address, "[::]:8443", TextCheck::ok},
      {TextRule::listen_address, "gateway.local:8080", TextCheck::ok},
      {TextRule::listen_address, "127.0.0.1", TextCheck::bad_format},        // no port
      {TextRule::listen_address, "127.0.0.1:0", TextCheck::ok},              // any free port
      {TextRule::listen_address, "127.0.0.1:65536", TextCheck::bad_format},  // port too big
      {TextRule::listen_address, "http://1.2.3.4:80", TextCheck::bad_format},
      {TextRule::listen_address, "[::1:80", TextCheck::bad_format},
      {TextRule::mqtt_url, "", TextCheck::ok},
      {TextRule::mqtt_url, "mqtt://127.0.0.1", TextCheck::ok},
      {TextRule::mqtt_url, "mqtts://broker.lan:8883", TextCheck::ok},
      {TextRule::mqtt_url, "mqtt://[fd00::1]:1883", TextCheck::ok},
      {TextRule::mqtt_url, "tcp://broker:1883", TextCheck::bad_format},
      {TextRule::mqtt_url, "mqtt://", TextCheck::bad_format},
      {TextRule::mqtt_url, "mqtt://user:pw@broker", TextCheck::bad_format},  // creds in config
      {TextRule::mqtt_url, "mqtt://broker:99999", TextCheck::bad_format},
      {TextRule::topic_level, "tinybms-gw", TextCheck::ok},
      {TextRule::topic_level, "", TextCheck::ok},
      {TextRule::topic_level, "a/b", TextCheck::bad_format},
      {TextRule::topic_level, "a+", TextCheck::bad_format},
      {TextRule::topic_level, "a b", TextCheck::bad_format},
      {TextRule::topic, "", TextCheck::ok},
      {TextRule::topic, "W/battery/1", TextCheck::ok},
      {TextRule::topic, "a//b", TextCheck::bad_format},
      {TextRule::topic, "a/#", TextCheck::bad_format},
      {TextRule::topic, "/a", TextCheck::bad_format},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(check_text(c.rule, c.text), c.expected) << describe(c.rule) << ": " << c.text;
  }
}

TEST(ConfigTextRules, GIVEN_backend_string_WHEN_parsed_THEN_kind_and_target_split) {
  CanBackendSpec spec;
  ASSERT_TRUE(parse_can_backend("slcan:/dev/ttyACM0", spec));
  EXPECT_EQ(spec.kind, "slcan");
  EXPECT_EQ(spec.target, "/dev/ttyACM0");
  ASSERT_TRUE(parse_can_backend("log:/var/log/can:1.log", spec));
  EXPECT_EQ(spec.target, "/var/log/can:1.log");
}

TEST(FixedString, GIVEN_value_too_long_WHEN_assigned_THEN_refused_and_unchanged) {
  FixedString<4> s;
  ASSERT_TRUE(s.assign("abcd"));
  EXPECT_FALSE(s.assign("abcde"));
  EXPECT_EQ(s.view(), "abcd");
  EXPECT_EQ(s.c_str()[4], '\0');
  s.assign_truncated("xyz123");
  EXPECT_EQ(s.view(), "xyz1");
  ASSERT_TRUE(s.assign("ab"));
  EXPECT_EQ(s.c_str()[2], '\0');
  FixedString<4> t;
  ASSERT_TRUE(t.assign("ab"));
  EXPECT_EQ(s, t);
}

}  // namespace
}  // namespace tbgw::config
