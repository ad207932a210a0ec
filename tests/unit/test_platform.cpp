// The platform layer (lib/platform): files with UTF-8 names, atomic replace and backups, listing,
// canonical paths, sockets against 127.0.0.1. Runs on Windows too (MinGW, under Wine): the set-up
// that differs (modes, FIFOs, the listening socket) goes through test_os.hpp; checks of POSIX
// modes are skipped where files have none.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "platform/platform.hpp"
#include "test_os.hpp"

namespace platform_test {
constexpr bool kPosix = !testos::kWindows;

using namespace ksdoctor;
namespace fs = std::filesystem;
namespace pf = ksdoctor::platform;

namespace {

fs::path from_utf8(const std::string& s) { return fs::path(std::u8string(s.begin(), s.end())); }

std::string utf8(const fs::path& p) {
  std::u8string s = p.u8string();
  return std::string(s.begin(), s.end());
}

// A fresh folder, removed with everything in it at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::random_device random;
    path_ = fs::temp_directory_path() / ("ksdoctor-platform-" + std::to_string(random()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string operator/(const std::string& name) const { return utf8(path_ / from_utf8(name)); }
  std::string str() const { return utf8(path_); }

 private:
  fs::path path_;
};

void write(const std::string& path, const std::string& text) {
  std::ofstream out(from_utf8(path), std::ios::binary);
  out << text;
  REQUIRE(out.good());
}

std::string text(const Bytes& b) { return std::string(b.begin(), b.end()); }

ByteView view(const std::string& s) {
  return ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

std::vector<std::string> names_in(const std::string& dir) {
  std::vector<std::string> names;
  for (const pf::DirEntry& e : pf::list_directory(dir)) names.push_back(e.name);
  return names;
}

bool try_symlink(const std::string& target, const std::string& link) {
  std::error_code ec;
  fs::create_symlink(from_utf8(target), from_utf8(link), ec);
  return !ec;  // Windows without developer mode may refuse
}

}  // namespace

TEST_CASE("replace_file writes a new file whole, with the requested mode, leaving no temp") {
  TempDir dir;
  std::string target = dir / "prevent.ks";
  pf::replace_file(target, view("new bytes"));
  CHECK(text(pf::read_file(target, 1 << 20)) == "new bytes");
  CHECK(names_in(dir.str()) == std::vector<std::string>{"prevent.ks"});
  if (kPosix) CHECK(pf::file_status(target).mode == 0600);
}

TEST_CASE("replace_file over an existing file replaces its bytes and sets the mode") {
  TempDir dir;
  std::string target = dir / "prevent.ks";
  write(target, "old bytes, longer than the new ones");
  if (kPosix) REQUIRE(testos::set_mode(target, 0644));
  pf::ReplaceOptions options;
  options.mode = 0640;
  pf::replace_file(target, view("new"), options);
  CHECK(text(pf::read_file(target, 1 << 20)) == "new");
  if (kPosix) CHECK(pf::file_status(target).mode == 0640);
  CHECK(names_in(dir.str()).size() == 1);
}

TEST_CASE("replace_file hands the bytes on disk to verify; a throw leaves the target alone") {
  TempDir dir;
  std::string target = dir / "prevent.ks";
  write(target, "old");
  pf::ReplaceOptions options;
  std::string seen;
  options.verify = [&](ByteView written) {
    seen.assign(written.begin(), written.end());
    throw IoError("VERIFY_FAILED", "rejected");
  };
  CHECK_THROWS_AS(pf::replace_file(target, view("candidate"), options), IoError);
  CHECK(seen == "candidate");
  CHECK(text(pf::read_file(target, 1 << 20)) == "old");
  CHECK(names_in(dir.str()) == std::vector<std::string>{"prevent.ks"});
}

TEST_CASE("replace_file into a missing folder fails with WRITE_FAILED naming the folder") {
  TempDir dir;
  try {
    pf::replace_file(dir / "missing/prevent.ks", view("x"));
    FAIL("no error");
  } catch (const IoError& e) {
    CHECK(e.code() == "WRITE_FAILED");
    CHECK(std::string(e.what()).find("missing") != std::string::npos);
  }
}

TEST_CASE("copy_file keeps a backup of the file about to be replaced") {
  TempDir dir;
  std::string target = dir / "prevent.ks", backup = dir / "prevent.ks.bak";
  write(target, "original");
  pf::ReplaceOptions keep;
  keep.mode = 0600;
  pf::copy_file(target, backup, keep, 1 << 20);
  pf::replace_file(target, view("replacement"));
  CHECK(text(pf::read_file(backup, 1 << 20)) == "original");
  CHECK(text(pf::read_file(target, 1 << 20)) == "replacement");
  CHECK_THROWS_AS(pf::copy_file(dir / "absent", backup, keep, 1 << 20), IoError);
  CHECK(text(pf::read_file(backup, 1 << 20)) == "original");
}

TEST_CASE("read_file: whole files, the size cap, folders and missing files") {
  TempDir dir;
  std::string big(200000, 'k');
  big[123456] = 'x';
  write(dir / "big", big);
  write(dir / "empty", "");
  CHECK(text(pf::read_file(dir / "big", big.size())) == big);
  CHECK(pf::read_file(dir / "empty", 10).empty());
  CHECK(pf::read_file_fast(dir / "empty", 10).bytes().empty());
  pf::FileBytes fast = pf::read_file_fast(dir / "big", 1 << 20);
  CHECK(std::string(fast.bytes().begin(), fast.bytes().end()) == big);
  pf::FileBytes moved = std::move(fast);
  CHECK(moved.bytes().size() == big.size());
  try {
    pf::read_file(dir / "big", big.size() - 1);
    FAIL("no error");
  } catch (const IoError& e) {
    CHECK(e.code() == "TOO_LARGE");
  }
  CHECK_THROWS_AS(pf::read_file_fast(dir / "big", 1000), IoError);
  try {
    pf::read_file(dir / "absent", 10);
    FAIL("no error");
  } catch (const IoError& e) {
    CHECK(e.code() == "READ_FAILED");
    CHECK(std::string(e.what()).find("absent") != std::string::npos);
  }
  CHECK_THROWS_AS(pf::read_file(dir.str(), 10), IoError);
}

TEST_CASE("read_file_head reads the first bytes of regular files only") {
  TempDir dir;
  write(dir / "store", "\xFE\xED\xFE\xED and more");
  auto head = pf::read_file_head(dir / "store", 4);
  REQUIRE(head);
  CHECK(text(*head) == "\xFE\xED\xFE\xED");
  CHECK(pf::read_file_head(dir / "store", 100)->size() == 13);
  CHECK_FALSE(pf::read_file_head(dir / "absent", 4));
  CHECK_FALSE(pf::read_file_head(dir.str(), 4));
  if (try_symlink(dir / "store", dir / "link")) CHECK_FALSE(pf::read_file_head(dir / "link", 4));
  if (testos::make_fifo(dir / "fifo")) {
    CHECK_FALSE(pf::read_file_head(dir / "fifo", 4));  // and does not hang
  }
}

TEST_CASE("file_status tells missing, regular, folder and link apart") {
  TempDir dir;
  write(dir / "file", "12345");
  pf::FileStatus missing = pf::file_status(dir / "absent");
  CHECK_FALSE(missing.exists());
  CHECK(missing.error.empty());
  CHECK_FALSE(pf::file_status(dir / "file/below").exists());
  pf::FileStatus file = pf::file_status(dir / "file");
  CHECK(file.is_regular());
  CHECK(file.size == 5);
  CHECK(file.mtime > 1600000000);
  CHECK(pf::file_status(dir.str()).is_directory());
  if (try_symlink(dir / "file", dir / "link")) {
    CHECK(pf::file_status(dir / "link").is_regular());
    CHECK(pf::file_status(dir / "link", pf::Follow::kNo).type == pf::FileType::kSymlink);
    CHECK(pf::same_file(dir / "link", dir / "file"));
  }
  CHECK_FALSE(pf::same_file(dir / "file", dir.str()));
  CHECK_FALSE(pf::same_file(dir / "absent", dir / "absent"));
}

TEST_CASE("list_directory: sorted names with types, links followed or not") {
  TempDir dir;
  write(dir / "b.pem", "b");
  write(dir / "a.pem", "a");
  fs::create_directory(from_utf8(dir / "sub"));
  std::vector<pf::DirEntry> entries = pf::list_directory(dir.str());
  REQUIRE(entries.size() == 3);
  CHECK(entries[0].name == "a.pem");
  CHECK(entries[0].type == pf::FileType::kRegular);
  CHECK(entries[2].name == "sub");
  CHECK(entries[2].type == pf::FileType::kDirectory);
  if (try_symlink(dir / "sub", dir / "c-link") && try_symlink(dir / "gone", dir / "d-dangling")) {
    entries = pf::list_directory(dir.str(), pf::Follow::kYes);
    REQUIRE(entries.size() == 5);
    CHECK(entries[2].type == pf::FileType::kDirectory);
    CHECK(entries[3].type == pf::FileType::kMissing);
    entries = pf::list_directory(dir.str(), pf::Follow::kNo);
    CHECK(entries[2].type == pf::FileType::kSymlink);
    CHECK(entries[3].type == pf::FileType::kSymlink);
  }
  CHECK_THROWS_AS(pf::list_directory(dir / "absent"), IoError);
  CHECK_THROWS_AS(pf::list_directory(dir / "a.pem"), IoError);
}

TEST_CASE("Folder reads its regular files by name") {
  TempDir dir;
  write(dir / "small.pem", "small");
  write(dir / "large.pem", std::string(100, 'L'));
  fs::create_directory(from_utf8(dir / "sub"));
  pf::Folder folder(dir.str());
  CHECK(folder.regular_files() == std::vector<std::string>{"large.pem", "small.pem"});
  CHECK(folder.regular_files().size() == 2);  // listed again from the start
  std::vector<std::uint8_t> buffer(64);
  pf::Folder::Read small = folder.read_start("small.pem", buffer);
  CHECK(small.complete);
  CHECK(std::string(buffer.begin(), buffer.begin() + static_cast<long>(small.size)) == "small");
  pf::Folder::Read large = folder.read_start("large.pem", buffer);
  CHECK_FALSE(large.complete);
  CHECK(large.size == 64);
  CHECK_FALSE(folder.read_start("absent.pem", buffer).error.empty());
  CHECK_THROWS_AS(pf::Folder(dir / "absent"), IoError);
}

TEST_CASE("canonical_path resolves dots and links; nothing for a missing path") {
  TempDir dir;
  fs::create_directories(from_utf8(dir / "a/b"));
  write(dir / "a/b/f", "f");
  auto real = pf::canonical_path(dir / "a/b/f");
  REQUIRE(real);
  CHECK(pf::canonical_path(dir / "a/b/../b/./f") == real);
  CHECK(pf::same_file(*real, dir / "a/b/f"));
  if (try_symlink(dir / "a/b", dir / "link")) CHECK(pf::canonical_path(dir / "link/f") == real);
  CHECK_FALSE(pf::canonical_path(dir / "a/absent"));
}

TEST_CASE("non-ASCII UTF-8 names survive every call") {
  TempDir dir;
  const std::string folder = dir / "Données ✔";
  const std::string name = "prévent-ключ-鍵.ks";
  pf::make_directories(folder);
  const std::string path = folder + "/" + name;
  pf::replace_file(path, view("bytes"));
  CHECK(fs::exists(from_utf8(path)));  // the name on disk is the same UTF-8 text
  CHECK(names_in(folder) == std::vector<std::string>{name});
  CHECK(text(pf::read_file(path, 100)) == "bytes");
  CHECK(pf::file_status(path).size == 5);
  auto real = pf::canonical_path(path);
  REQUIRE(real);
  CHECK(real->find(name) != std::string::npos);
  CHECK(pf::Folder(folder).regular_files() == std::vector<std::string>{name});
  pf::copy_file(path, path + ".bak", {}, 100);
  CHECK(pf::remove_file(path));
  CHECK_FALSE(pf::remove_file(path));
  CHECK(names_in(folder) == std::vector<std::string>{name + ".bak"});
}

TEST_CASE("make_directories creates parents, accepts existing folders, refuses files") {
  TempDir dir;
  pf::make_directories(dir / "x/y/z");
  CHECK(pf::file_status(dir / "x/y/z").is_directory());
  pf::make_directories(dir / "x/y/z");
  if (kPosix) CHECK((pf::file_status(dir / "x/y").mode & ~0750u) == 0);
  write(dir / "file", "");
  CHECK_THROWS_AS(pf::make_directories(dir / "file"), IoError);
  CHECK_THROWS_AS(pf::make_directories(dir / "file/below"), IoError);
}

TEST_CASE("environment variables and terminals") {
  CHECK_FALSE(pf::environment_variable("KSDOCTOR_SURELY_NOT_SET_7F3A"));
  CHECK(pf::environment_variable("PATH").has_value());
  pf::ConsoleSupport console = pf::setup_console();
  // Colour is only ever claimed for a terminal.
  if (!pf::is_terminal(pf::Stream::kOut)) CHECK_FALSE(console.colour_out);
  if (!pf::is_terminal(pf::Stream::kErr)) CHECK_FALSE(console.colour_err);
}

TEST_CASE("the system trust store is found where the OS keeps it") {
  pf::SystemTrustStore store;
  try {
    store = pf::system_trust_store();
  } catch (const IoError& e) {
    CHECK(e.code() == "NOT_FOUND");
    return;
  }
  if (store.kind == pf::SystemTrustStore::Kind::kCertificates) {
    CHECK_FALSE(store.certificates.empty());
    for (const auto& c : store.certificates) CHECK(c.der.at(0) == 0x30);  // a DER SEQUENCE
  } else if (store.kind == pf::SystemTrustStore::Kind::kBundleFile) {
    CHECK(pf::file_status(store.location).is_regular());
  } else {
    CHECK(pf::file_status(store.location).is_directory());
  }
}

TEST_CASE("default install roots exist") {
  pf::InstallRoots roots = pf::default_install_roots();
  for (const std::string& r : roots.programs) CHECK(pf::file_status(r).is_directory());
  for (const std::string& r : roots.data) CHECK(pf::file_status(r).is_directory());
  if (kPosix) CHECK(roots.programs == std::vector<std::string>{"/opt"});
}

TEST_CASE("resolving a name that cannot exist is a DNS failure") {
  try {
    pf::resolve("no-such-host.invalid", "443");
    FAIL("resolved");
  } catch (const pf::NetError& e) {
    CHECK(e.failure() == pf::NetFailure::kDns);
  }
  std::vector<pf::Address> loopback = pf::resolve("127.0.0.1", "25");
  REQUIRE(loopback.size() == 1);
  CHECK(loopback[0].text == "127.0.0.1");
  std::vector<pf::Address> v6 = pf::resolve("::1", "25");
  REQUIRE(v6.size() == 1);
  CHECK(v6[0].text == "::1");
}

namespace {

// A socket listening on 127.0.0.1 on a free port; `backlog` 0 makes Linux drop the SYNs of
// connections beyond the first unaccepted one.
class Listener : public testos::Listener {
 public:
  explicit Listener(int backlog) : testos::Listener(false, true, backlog) { REQUIRE(ok()); }
  std::string port() const { return std::to_string(testos::Listener::port()); }
};

pf::Deadline in_ms(int ms) { return pf::Clock::now() + std::chrono::milliseconds(ms); }

}  // namespace

TEST_CASE("connecting to a closed port on 127.0.0.1 is refused") {
  Listener listener(1);
  std::string port = listener.port();
  listener.close();
  try {
    pf::connect("127.0.0.1", port, in_ms(5000));
    FAIL("connected");
  } catch (const pf::NetError& e) {
    CHECK(e.failure() == pf::NetFailure::kRefused);
    CHECK_FALSE(e.reason().empty());
    CHECK(std::string(e.what()) == "cannot connect to 127.0.0.1 port " + port + ": " + e.reason());
  }
}

TEST_CASE("a connection that cannot complete gives up at the deadline") {
  Listener listener(0);
  std::vector<pf::Socket> queued;
  bool timed_out = false;
  for (int i = 0; i < 16 && !timed_out; ++i) {
    auto start = pf::Clock::now();
    try {
      queued.push_back(pf::connect("127.0.0.1", listener.port(), in_ms(300)));
    } catch (const pf::NetError& e) {
      auto took = pf::Clock::now() - start;
      CHECK(e.failure() == pf::NetFailure::kTimeout);
      CHECK(took >= std::chrono::milliseconds(290));
      CHECK(took < std::chrono::seconds(3));
      timed_out = true;
    }
  }
  CHECK(timed_out);
}

TEST_CASE("send, receive and a read that waits past its deadline") {
  Listener listener(4);
  pf::Socket client = pf::connect("localhost", listener.port(), in_ms(5000));
  REQUIRE(client.is_open());
  testos::socket_t server = listener.accept();
  REQUIRE(testos::valid(server));
  CHECK(client.send_some(view("EHLO"), in_ms(1000)) == 4);
  char got[8] = {};
  CHECK(testos::receive(server, got, sizeof got) == 4);
  CHECK(std::string(got, 4) == "EHLO");
  std::uint8_t buffer[16];
  auto start = pf::Clock::now();
  try {
    client.receive_some(buffer, sizeof buffer, in_ms(200));
    FAIL("received");
  } catch (const pf::NetError& e) {
    CHECK(e.failure() == pf::NetFailure::kTimeout);
    CHECK(pf::Clock::now() - start >= std::chrono::milliseconds(190));
  }
  CHECK(testos::send_text(server, "250 ok") == 6);
  CHECK(client.receive_some(buffer, sizeof buffer, in_ms(1000)) == 6);
  testos::close_socket(server);
  CHECK(client.receive_some(buffer, sizeof buffer, in_ms(1000)) == 0);
  pf::Socket moved = std::move(client);
  CHECK(moved.is_open());
  CHECK_FALSE(client.is_open());
}

}  // namespace platform_test
