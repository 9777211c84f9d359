#include "fakecluster/http/tls.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>

#include "sim/core/error.hpp"

namespace gs::fake::http {

void X509Free::operator()(X509* cert) const { X509_free(cert); }
void EvpPkeyFree::operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }

namespace {

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct ExtensionFree {
  void operator()(X509_EXTENSION* ext) const { X509_EXTENSION_free(ext); }
};

void require(bool ok, const char* what) {
  if (!ok) throw Error::internal(std::string("cannot make the TLS certificate: ") + what);
}

bool isIp(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

void addExtension(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  std::unique_ptr<X509_EXTENSION, ExtensionFree> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  require(ext != nullptr, "extension");
  require(X509_add_ext(cert, ext.get(), -1) == 1, "add extension");
}

}  // namespace

SelfSignedCertificate makeSelfSignedCertificate(const std::vector<std::string>& hosts) {
  SelfSignedCertificate out;
  out.key.reset(EVP_EC_gen("P-256"));
  require(out.key != nullptr, "key");
  out.certificate.reset(X509_new());
  X509* cert = out.certificate.get();
  require(cert != nullptr, "certificate");
  require(X509_set_version(cert, 2) == 1, "version");
  unsigned char serial[16];
  require(RAND_bytes(serial, sizeof serial) == 1, "serial");
  serial[0] &= 0x7F;
  BIGNUM* number = BN_bin2bn(serial, sizeof serial, nullptr);
  require(number != nullptr && BN_to_ASN1_INTEGER(number, X509_get_serialNumber(cert)) != nullptr, "serial");
  BN_free(number);
  // Wall-clock validity: clients check it against their own clock, not the virtual one.
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 365L * 24 * 3600);
  require(X509_set_pubkey(cert, out.key.get()) == 1, "public key");
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("gitops-sim"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("gitops-sim serve"), -1, -1, 0);
  require(X509_set_issuer_name(cert, name) == 1, "issuer");
  std::string sans;
  for (const auto& host : hosts) sans += (sans.empty() ? "" : ",") + std::string(isIp(host) ? "IP:" : "DNS:") + host;
  addExtension(cert, NID_subject_alt_name, sans);
  addExtension(cert, NID_basic_constraints, "critical,CA:TRUE");
  addExtension(cert, NID_key_usage, "critical,digitalSignature,keyCertSign");
  addExtension(cert, NID_ext_key_usage, "serverAuth");
  require(X509_sign(cert, out.key.get(), EVP_sha256()) > 0, "signature");
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  require(bio != nullptr && PEM_write_bio_X509(bio.get(), cert) == 1, "PEM");
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  out.pem.assign(data, static_cast<std::size_t>(size));
  return out;
}


}  // namespace gs::fake::http
