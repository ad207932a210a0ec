// Certificate::subject_attribute and common_name: typed accessors read from the encoded name, so
// that nobody re-parses RFC 4514 text (escapes, multi-valued RDNs, #hex values).
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include "cert_names.hpp"
#include "ksdoctor/x509.hpp"

namespace cert_names_test {
using namespace ksdoctor;
using testnames::Attribute;
using testnames::self_signed;

namespace {

// `cert` with the UTF8String tag of the name value `value` replaced by `tag` (the signature no
// longer verifies, which parsing does not check): OpenSSL will not encode such names itself.
CertPtr retagged(const Certificate& cert, const std::string& value, std::uint8_t tag) {
  Bytes der = cert.der;
  Bytes needle{0x0c, static_cast<std::uint8_t>(value.size())};
  needle.insert(needle.end(), value.begin(), value.end());
  int replaced = 0;
  for (auto at = der.begin();
       (at = std::search(at, der.end(), needle.begin(), needle.end())) != der.end(); ++at) {
    *at = tag;  // in the issuer and the subject (self-signed)
    ++replaced;
  }
  REQUIRE(replaced == 2);
  return parse_certificate(std::move(der));
}

}  // namespace

TEST_CASE("common name: the most specific CN, unescaped") {
  CertPtr c = self_signed({{"C", "US"}, {"O", "Example Corp"}, {"CN", "mail.example.com"}});
  CHECK(c->subject == "CN=mail.example.com,O=Example Corp,C=US");
  CHECK(c->common_name() == "mail.example.com");
  CHECK(c->subject_attribute(kOrganization) == "Example Corp");
  CHECK(c->subject_attribute("2.5.4.6") == "US");
  CHECK(c->subject_attribute(kOrganizationalUnit).empty());

  // Two CNs: the one RFC 4514 text shows first (encoded last) wins.
  CertPtr two = self_signed({{"CN", "First Encoded"}, {"O", "x"}, {"CN", "Second"}});
  CHECK(two->subject == "CN=Second,O=x,CN=First Encoded");
  CHECK(two->common_name() == "Second");
}

TEST_CASE("common name: characters RFC 4514 escapes come back as they are") {
  CertPtr c = self_signed({{"O", "x"}, {"CN", "Smith, John\\ +\"<>;=#"}});
  CHECK(c->subject.find("\\,") != std::string::npos);
  CHECK(c->common_name() == "Smith, John\\ +\"<>;=#");
  CertPtr hash = self_signed({{"CN", "#not hex"}});
  CHECK(hash->subject == "CN=\\#not hex");
  CHECK(hash->common_name() == "#not hex");
  CertPtr spaces = self_signed({{"CN", " padded "}});
  CHECK(spaces->common_name() == " padded ");
}

TEST_CASE("common name: multi-valued RDNs, other string types, absent and non-string values") {
  CertPtr multi =
      self_signed({{"O", "x"}, {"UID", "7"}, Attribute{"CN", "multi", true, MBSTRING_UTF8}});
  CHECK(multi->subject.find('+') != std::string::npos);
  CHECK(multi->subject.find("CN=multi") != std::string::npos);
  CHECK(multi->common_name() == "multi");

  CertPtr bmp = self_signed({Attribute{"CN", "wide", false, V_ASN1_BMPSTRING}});
  CHECK(bmp->common_name() == "wide");
  CertPtr utf8 = self_signed({{"CN", "Zürich ✔"}});
  CHECK(utf8->common_name() == "Zürich ✔");

  CertPtr none = self_signed({{"C", "US"}, {"O", "No Name Inc"}});
  CHECK(none->common_name().empty());
  CHECK(none->subject_attribute(kOrganization) == "No Name Inc");

  // A CN that is not a string is shown as #hex and has no text value; an empty one is skipped.
  CertPtr octets = retagged(*self_signed({{"CN", "abc"}, {"O", "x"}}), "abc", 0x04);
  CHECK(octets->subject.find("=#0403616263") != std::string::npos);
  CHECK(octets->common_name().empty());
  CertPtr empty =
      self_signed({{"CN", "fallback"}, {"O", "x"}, Attribute{"CN", "", false, V_ASN1_UTF8STRING}});
  CHECK(empty->common_name() == "fallback");
}

}  // namespace cert_names_test
