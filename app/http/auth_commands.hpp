// The HTTP face's command-line tools. They work on STATE_DIR/auth.json while the service runs
// (the service notices the change at the next request):
//   tinybms-gw passwd [--state-dir DIR]       new admin password from stdin (twice on a tty)
//   tinybms-gw token create --name N [--read-only]   prints the new token once
//   tinybms-gw token list | token revoke --name N
//   tinybms-gw tls selfsigned --out-dir DIR [--host NAME]   EC P-256 key + self-signed cert
// Exit status: 0 done, 1 a runtime failure (file not writable), 2 a usage error.
#pragma once

#include <string>

namespace tbgw::app::http {

int run_passwd_command(const std::string& state_dir);
int run_token_create(const std::string& state_dir, const std::string& name, bool read_only);
int run_token_list(const std::string& state_dir);
int run_token_revoke(const std::string& state_dir, const std::string& name);
int run_tls_selfsigned(const std::string& out_dir, const std::string& host);

}  // namespace tbgw::app::http
