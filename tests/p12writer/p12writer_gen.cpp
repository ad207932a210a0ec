// Writes the stores tests/java/P12WriterCheck.java compares in a JVM:
//   - every PKCS#12 fixture Java loads (fixtures/manifest.tsv, refused-* excluded), read with
//     read_pkcs12 and written again with write_pkcs12 and the same password;
//   - a trusted-only store built here from fixtures/pki certificates (Java must see trusted
//   entries).
// Usage: p12writer_gen SOURCE_DIR OUT_DIR. Writes OUT_DIR/list.tsv, one line per store:
//   ROUNDTRIP <original> <rewritten> <storepass> <keypass>     (passwords as in the manifest)
//   TRUSTED   <rewritten> <storepass> <alias>=<pem>[;<alias>=<pem>...]
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "core/text.hpp"
#include "ksdoctor/fileio.hpp"
#include "ksdoctor/formats.hpp"
#include "ksdoctor/pem.hpp"
#include "ksdoctor/writers.hpp"

using namespace ksdoctor;

namespace {

// The manifest's password column: '' is the empty password.
std::string manifest_password(const std::string& column) { return column == "''" ? "" : column; }

void write_bytes(const std::string& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out) throw IoError("WRITE_FAILED", "cannot write " + path);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: p12writer_gen SOURCE_DIR OUT_DIR\n";
    return 2;
  }
  const std::string src = argv[1], out = argv[2];
  const std::int64_t now_ms = 1'700'000'000'000;
  try {
    std::ofstream list(out + "/list.tsv");
    std::ifstream manifest(src + "/fixtures/manifest.tsv");
    std::string line;
    int stores = 0;
    while (std::getline(manifest, line)) {
      std::vector<std::string> cols;
      std::stringstream ss(line);
      for (std::string col; std::getline(ss, col, '\t');) cols.push_back(col);
      if (cols.size() < 4 || cols[1] != "PKCS12" ||
          cols[0].find("/refused-") != std::string::npos) {
        continue;
      }
      const std::string original = src + "/fixtures/" + cols[0];
      const Password pass = Password::of(manifest_password(cols[2]));
      const Keystore store = read_pkcs12(read_file(original), pass);
      const std::string name = cols[0].substr(cols[0].rfind('/') + 1);
      const std::string rewritten = out + "/" + name;
      write_bytes(rewritten, write_pkcs12(store, pass, now_ms));
      list << "ROUNDTRIP\t" << original << '\t' << rewritten << '\t' << cols[2] << '\t' << cols[3]
           << '\n';
      ++stores;
    }

    Keystore trusted;
    trusted.format = StoreFormat::kPkcs12;
    trusted.version = 3;
    std::string spec;
    for (const char* alias : {"root-ca", "intermediate-ca", "other-root-ca"}) {
      const std::string pem = src + "/fixtures/pki/" + alias + ".crt.pem";
      Entry e;
      e.alias = alias;
      e.alias_utf16 = utf8_to_utf16(alias);
      e.kind = EntryKind::kTrustedCert;
      e.chain = {read_certificates(read_file(pem)).at(0)};
      trusted.entries.push_back(std::move(e));
      spec += (spec.empty() ? "" : ";") + std::string(alias) + "=" + pem;
    }
    const std::string trusted_path = out + "/trusted-only.p12";
    write_bytes(trusted_path, write_pkcs12(trusted, Password::of("changeit"), now_ms));
    list << "TRUSTED\t" << trusted_path << "\tchangeit\t" << spec << '\n';
    std::cout << "wrote " << stores << " rewritten fixtures and 1 trusted-only store\n";
  } catch (const std::exception& e) {
    std::cerr << "p12writer_gen: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
