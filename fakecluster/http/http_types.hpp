// Requests and responses of the fake API server's REST layer, independent of the HTTP
// library, so the whole Kubernetes API surface can be tested without sockets.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace gs::fake::http {

struct CaseInsensitiveLess {
  bool operator()(const std::string& a, const std::string& b) const;
};

struct Request {
  std::string method;  // GET, POST, PUT, PATCH, DELETE
  std::string path;    // /apis/apps/v1/namespaces/default/deployments/web
  std::multimap<std::string, std::string> query;
  std::map<std::string, std::string, CaseInsensitiveLess> headers;
  std::string body;

  // The first value of a query parameter, or "".
  std::string param(const std::string& name) const;
  bool has(const std::string& name) const { return query.count(name) > 0; }
  std::string header(const std::string& name) const;
};

struct Response {
  int status = 200;
  std::string contentType = "application/json";
  std::string body;
  std::vector<std::string> warnings;  // sent as `Warning: 299 - "<text>"` headers
};

}  // namespace gs::fake::http
