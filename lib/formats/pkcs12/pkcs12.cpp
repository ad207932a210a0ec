// PKCS#12, read as Java 17's sun.security.pkcs12.PKCS12KeyStore.engineLoad reads it: the PFX, its
// AuthenticatedSafe, every SafeContents (plain, or encrypted with the store password and skipped
// without one), then the MacData. The bags become entries in pkcs12_entries.cpp; the crypto is in
// pkcs12_pbe.cpp and pkcs12_mac.cpp. Every message Java gives is given in Java's words.
#include "ksdoctor/formats.hpp"
#include "pkcs12_bags.hpp"
#include "pkcs12_der.hpp"
#include "pkcs12_entries.hpp"
#include "pkcs12_mac.hpp"
#include "pkcs12_pbe.hpp"
#include "x509/der.hpp"
#include "x509/oids.hpp"

namespace ksdoctor {
namespace {

using pkcs12::first_element_as_der;

[[noreturn]] void malformed(const std::string& why) { throw FormatError("MALFORMED", why); }

struct ContentInfo {
  std::string type;
  std::optional<der::Tlv> content;  // inside the [0] EXPLICIT
};

ContentInfo read_content_info(const der::Tlv& tlv) {
  if (tlv.tag != der::kSequence) malformed("Sequence tag error (ContentInfo)");
  der::Walker w(tlv.value, "ContentInfo");
  ContentInfo ci;
  if (w.peek_tag() != der::kOid) malformed("ContentInfo type is not an OID");
  ci.type = der::oid_to_string(w.next().value);
  if (!w.at_end()) {
    der::Tlv wrapped = w.next();
    if (!pkcs12::is_context(wrapped.tag, 0)) malformed("ContentInfo content is not [0]");
    der::Walker inner(wrapped.value, "ContentInfo content");
    ci.content = inner.next();
  }
  return ci;
}

// ContentInfo.getData(): the OCTET STRING of a data ContentInfo.
ByteView data_of(const ContentInfo& ci, const char* what) {
  if (!ci.content) malformed(std::string(what) + ": ContentInfo without content");
  return pkcs12::octets(*ci.content, what);
}

struct EncryptedContent {
  ByteView algorithm;   // AlgorithmIdentifier, tag included
  ByteView ciphertext;  // into the AuthenticatedSafe, or into `joined`
  Bytes joined;         // the pieces of a constructed [0], concatenated
};

// EncryptedData { version, EncryptedContentInfo { contentType, algorithm, [0] IMPLICIT content } }.
EncryptedContent read_encrypted_data(const ContentInfo& ci) {
  if (!ci.content || ci.content->tag != der::kSequence)
    malformed("Sequence tag error (EncryptedData)");
  der::Walker ed(ci.content->value, "EncryptedData");
  pkcs12::java_int(ed.expect(der::kInteger), "EncryptedData version");
  der::Tlv eci_tlv = ed.next();
  if (eci_tlv.tag != der::kSequence) malformed("Sequence tag error (EncryptedContentInfo)");
  std::vector<der::Tlv> eci;
  der::Walker w(eci_tlv.value, "EncryptedContentInfo");
  while (!w.at_end()) eci.push_back(w.next());
  // Java requires the encryptedContent field, though ASN.1 makes it optional.
  if (eci.size() != 3) malformed("Invalid length for EncryptedContentInfo");
  if (eci[0].tag != der::kOid) malformed("EncryptedContentInfo type is not an OID");
  if (eci[1].tag != der::kSequence) malformed("EncryptedContentInfo algorithm is not a SEQUENCE");
  if (!pkcs12::is_context(eci[2].tag, 0)) {
    malformed("unsupported encrypted content type " + std::to_string(eci[2].tag));
  }
  EncryptedContent out;
  out.algorithm = eci[1].whole;
  if (eci[2].tag & 0x20) {  // constructed: the pieces of an OCTET STRING
    der::Walker pieces(eci[2].value, "encrypted content");
    while (!pieces.at_end()) {
      ByteView piece = pieces.expect(der::kOctetString).value;
      out.joined.insert(out.joined.end(), piece.begin(), piece.end());
    }
  } else {
    out.ciphertext = eci[2].value;
  }
  return out;
}

// Decrypts one encrypted SafeContents with the passwords Java tries and parses its bags. Any
// failure is Java's "keystore password was incorrect" (its cause kept in parentheses).
std::vector<pkcs12::SafeBag> decrypt_safe(const pkcs12::PbeScheme& scheme, ByteView ciphertext,
                                          const Password& password) {
  static const std::string kIncorrect = "keystore password was incorrect";
  if (!pkcs12::java_pbe_ascii(password)) {
    throw PasswordError("PASSWORD_NOT_ASCII",
                        kIncorrect +
                            " (getSecretKey failed: Password is not ASCII: Java's "
                            "PKCS12 keystore accepts only printable ASCII passwords)");
  }
  std::string cause;
  for (const pkcs12::PbePassword& attempt : pkcs12::java_password_attempts(password)) {
    std::optional<SecureBytes> plain;
    try {
      plain = pkcs12::pbe_decrypt(scheme, ciphertext, attempt);
    } catch (const FormatError& e) {
      if (e.code() == "UNSUPPORTED_CIPHER" || e.code() == "CRYPTO") throw;  // ours, not Java's
      throw FormatError("UNSUPPORTED_PROTECTION",
                        kIncorrect + " (failed to decrypt safe contents entry: " + e.what() +
                            "): Java 17 cannot decrypt " + scheme.name +
                            " certificates with any password");
    }
    if (!plain) continue;  // bad padding: the usual wrong password
    try {
      return pkcs12::parse_safe_contents(ByteView(plain->data(), plain->size()));
    } catch (const FormatError& e) {
      cause = e.what();
    }
  }
  throw PasswordError("WRONG_PASSWORD",
                      cause.empty()
                          ? kIncorrect
                          : kIncorrect + " (failed to decrypt safe contents entry: " + cause + ")");
}

}  // namespace

Keystore read_pkcs12(ByteView bytes, const Password& storepass) {
  Bytes pfx_storage;
  ByteView pfx = first_element_as_der(bytes, pfx_storage, "PKCS#12 PFX");
  der::Walker top(pfx, "PKCS#12 PFX");
  der::Tlv pfx_seq = top.next();
  if (pfx_seq.tag != der::kSequence) malformed("Sequence tag error (PFX)");
  der::Walker s(pfx_seq.value, "PKCS#12 PFX");
  if (s.peek_tag() != der::kInteger) malformed("PFX version is not an INTEGER");
  if (pkcs12::java_int(s.next(), "PFX version") != 3) {
    malformed("PKCS12 keystore not in version 3 format");
  }
  ContentInfo auth = read_content_info(s.next());
  if (auth.type != oids::kData) {
    throw FormatError("UNSUPPORTED_FORMAT", "public key protected PKCS12 not supported");
  }
  ByteView auth_safe = data_of(auth, "authSafe");

  Keystore store;
  store.format = StoreFormat::kPkcs12;
  store.version = 3;
  store.protection.emplace();
  Pkcs12Protection& protection = *store.protection;
  pkcs12::EntryBuilder builder;

  Bytes as_storage;
  ByteView as_der = first_element_as_der(auth_safe, as_storage, "AuthenticatedSafe");
  der::Walker as_top(as_der, "AuthenticatedSafe");
  der::Tlv as_seq = as_top.next();
  if (as_seq.tag != der::kSequence) malformed("Sequence tag error (AuthenticatedSafe)");
  der::Walker infos(as_seq.value, "AuthenticatedSafe");
  bool seen_encrypted = false;
  std::size_t certificates = 0;
  auto add_bags = [&](std::vector<pkcs12::SafeBag> bags) {
    for (const auto& bag : bags) certificates += bag.type == pkcs12::BagType::kCert;
    builder.add(std::move(bags));
  };
  while (!infos.at_end()) {
    ContentInfo safe = read_content_info(infos.next());
    if (safe.type == oids::kData) {
      add_bags(pkcs12::parse_safe_contents(data_of(safe, "SafeContents")));
    } else if (safe.type == oids::kEncryptedData) {
      if (storepass.is_null()) {
        // Java skips encrypted SafeContents without a password (their certificates are lost to
        // it). Their protection is still worth reporting.
        try {
          pkcs12::PbeScheme scheme = pkcs12::parse_pbe_scheme(read_encrypted_data(safe).algorithm);
          protection.cert_algorithm = scheme.name;
          protection.cert_iterations = scheme.iterations;
          seen_encrypted = true;
        } catch (const FormatError&) {
        }
        continue;
      }
      EncryptedContent encrypted = read_encrypted_data(safe);
      if (encrypted.ciphertext.empty()) encrypted.ciphertext = encrypted.joined;
      pkcs12::PbeScheme scheme;
      try {
        scheme = pkcs12::parse_pbe_scheme(encrypted.algorithm);
      } catch (const FormatError& e) {
        malformed(std::string("parseAlgParameters failed: ") + e.what());
      }
      if (scheme.has_params) {
        if (scheme.iterations > pkcs12::kMaxIterationCount) {
          malformed("cert PBE iteration count too large (" + std::to_string(scheme.iterations) +
                    "; Java refuses more than 5000000)");
        }
        protection.cert_algorithm = scheme.name;
        protection.cert_iterations = scheme.iterations;
        seen_encrypted = true;
      }
      add_bags(decrypt_safe(scheme, encrypted.ciphertext, storepass));
    } else {
      throw FormatError("UNSUPPORTED_FORMAT", "public key protected PKCS12 not supported");
    }
  }
  if (!seen_encrypted && certificates > 0) protection.cert_algorithm = "NONE";

  if (!s.at_end()) {
    der::Tlv mac_tlv = s.next();
    if (storepass.is_null()) {
      // Java does not even parse the MacData without a password.
      store.integrity = Integrity::kNotVerified;
      try {
        pkcs12::MacData mac = pkcs12::parse_mac_data(mac_tlv);
        protection.mac_algorithm = mac.algorithm;
        protection.mac_iterations = mac.iterations;
      } catch (const FormatError&) {
      }
    } else {
      pkcs12::MacData mac = pkcs12::parse_mac_data(mac_tlv);
      protection.mac_algorithm = mac.algorithm;
      protection.mac_iterations = mac.iterations;
      pkcs12::verify_mac(mac, auth_safe, storepass);
      store.integrity = Integrity::kVerified;
    }
  } else {
    store.integrity = storepass.is_null() ? Integrity::kNotVerified : Integrity::kNoMac;
  }

  builder.finish(store);
  return store;
}

}  // namespace ksdoctor
