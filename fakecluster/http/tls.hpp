// A self-signed certificate made at startup (ECDSA P-256, valid for the listen address,
// 127.0.0.1 and localhost), so `gitops-sim serve` speaks HTTPS like a real API server
// and clients send bearer tokens (client-go will not send them over plain HTTP). The
// kubeconfig carries the certificate as its certificate-authority-data.
#pragma once

#include <memory>
#include <string>
#include <vector>

typedef struct x509_st X509;              // NOLINT(modernize-use-using): OpenSSL's own names
typedef struct evp_pkey_st EVP_PKEY;      // NOLINT(modernize-use-using)

namespace gs::fake::http {

struct X509Free {
  void operator()(X509* cert) const;
};
struct EvpPkeyFree {
  void operator()(EVP_PKEY* key) const;
};

struct SelfSignedCertificate {
  std::unique_ptr<X509, X509Free> certificate;
  std::unique_ptr<EVP_PKEY, EvpPkeyFree> key;
  std::string pem;  // the certificate, PEM-encoded
};

// `hosts`: IP addresses or DNS names the certificate is for. Throws gs::Error on failure.
SelfSignedCertificate makeSelfSignedCertificate(const std::vector<std::string>& hosts);

}  // namespace gs::fake::http
