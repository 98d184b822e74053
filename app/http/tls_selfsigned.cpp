// `tinybms-gw tls selfsigned`: an EC P-256 key and a self-signed X.509 certificate (10 years,
// SAN: the host name given, localhost, 127.0.0.1 and ::1) for HTTPS on a LAN. Files:
// OUT_DIR/key.pem (0600) and OUT_DIR/cert.pem (0644), each written atomically. Browsers will
// warn until the certificate is trusted on the client; curl takes it with --cacert.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cctype>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>
#include <string>

#include "app/http/auth_commands.hpp"
#include "platform/linux/atomic_file.hpp"

namespace tbgw::app::http {

namespace {

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
};

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(n));
}

bool add_ext(X509* cert, int nid, const std::string& value) {
  X509V3_CTX v3{};
  X509V3_set_ctx(&v3, cert, cert, nullptr, nullptr, 0);
  std::unique_ptr<X509_EXTENSION, Free> ext(X509V3_EXT_conf_nid(nullptr, &v3, nid, value.c_str()));
  return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

}  // namespace

int run_tls_selfsigned(const std::string& out_dir, const std::string& host) {
  for (const char c : host) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') {
      std::fprintf(stderr, "tinybms-gw: --host must be a DNS name\n");
      return 2;
    }
  }
  std::unique_ptr<EVP_PKEY, Free> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  std::unique_ptr<X509, Free> cert(X509_new());
  if (!key || !cert) {
    std::fprintf(stderr, "tinybms-gw: OpenSSL could not make a key\n");
    return 1;
  }
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), static_cast<long>(std::time(nullptr)));
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 10L * 365 * 86400);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(host.c_str()), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("tinybms-gw"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  std::string san = "DNS:" + host;
  if (host != "localhost") san += ",DNS:localhost";
  san += ",IP:127.0.0.1,IP:::1";
  if (!add_ext(cert.get(), NID_subject_alt_name, san) ||
      !add_ext(cert.get(), NID_basic_constraints, "critical,CA:FALSE") ||
      !add_ext(cert.get(), NID_key_usage, "critical,digitalSignature") ||
      !add_ext(cert.get(), NID_ext_key_usage, "serverAuth") ||
      X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
    std::fprintf(stderr, "tinybms-gw: OpenSSL could not sign the certificate\n");
    return 1;
  }
  std::unique_ptr<BIO, Free> key_bio(BIO_new(BIO_s_mem()));
  std::unique_ptr<BIO, Free> cert_bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  PEM_write_bio_X509(cert_bio.get(), cert.get());

  const std::filesystem::path dir(out_dir);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  platform::AtomicWriteOptions key_opt;
  key_opt.mode = 0600;
  platform::AtomicWriteOptions cert_opt;
  cert_opt.mode = 0644;
  auto written = platform::write_file_atomically(dir / "key.pem", bio_text(key_bio.get()), key_opt);
  if (written) {
    written = platform::write_file_atomically(dir / "cert.pem", bio_text(cert_bio.get()), cert_opt);
  }
  if (!written) {
    std::fprintf(stderr, "tinybms-gw: %s\n", platform::to_string(written.error()).c_str());
    return 1;
  }
  // The certificate is public (browsers and proxies read it): 0644 whatever the process umask
  // (platform/linux/file_modes.hpp keeps everything else private).
  std::filesystem::permissions(
      dir / "cert.pem",
      std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
          std::filesystem::perms::group_read | std::filesystem::perms::others_read,
      ec);
  std::printf("%s\n%s\n", (dir / "cert.pem").string().c_str(), (dir / "key.pem").string().c_str());
  std::fprintf(stderr,
               "self-signed certificate for %s (EC P-256, 10 years). Set http.tls_cert and "
               "http.tls_key to these absolute paths.\n",
               host.c_str());
  return 0;
}

}  // namespace tbgw::app::http
