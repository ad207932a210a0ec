// P12WriterCheck — checks PKCS#12 files written by ksdoctor's write_pkcs12 in the JVM
// (tests/p12writer). Reads the list tests/p12writer/p12writer_gen.cpp writes:
//
//   ROUNDTRIP <original> <rewritten> <storepass> <keypass>
//       Both load with KeyStore.getInstance("PKCS12"); aliases (in order), entry kinds, creation
//       dates of key entries, certificate chains / certificates (DER), private and secret keys
//       (getEncoded, or the same failure) must be equal.
//   TRUSTED <rewritten> <storepass> <alias>=<pem>;...
//       The store must hold exactly these trusted-certificate entries, in this order.
//
// For every rewritten file `keytool -list` must exit 0 (four at a time, in the background). Passwords: '' is empty, - is none.
// Exit status 0 when everything matches, 1 otherwise (each mismatch on stderr).

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

public final class P12WriterCheck {
  private static int failures = 0;
  private static String current = "";

  private static void fail(String what) {
    failures++;
    System.err.println("MISMATCH " + current + ": " + what);
  }

  private static char[] password(String column) {
    if (column.equals("-")) return null;
    if (column.equals("''")) return new char[0];
    return column.toCharArray();
  }

  private static KeyStore load(String path, char[] storepass) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = new FileInputStream(path)) {
      ks.load(in, storepass);
    }
    return ks;
  }

  private static String kind(KeyStore ks, String alias) throws Exception {
    if (ks.entryInstanceOf(alias, KeyStore.PrivateKeyEntry.class)) return "private";
    if (ks.entryInstanceOf(alias, KeyStore.SecretKeyEntry.class)) return "secret";
    if (ks.isCertificateEntry(alias)) return "trusted";
    return "other";
  }

  private static List<byte[]> chain(KeyStore ks, String alias) throws Exception {
    List<byte[]> out = new ArrayList<>();
    Certificate[] chain = ks.getCertificateChain(alias);
    if (chain == null) {
      Certificate c = ks.getCertificate(alias);
      if (c != null) out.add(c.getEncoded());
    } else {
      for (Certificate c : chain) out.add(c.getEncoded());
    }
    return out;
  }

  private static String key(KeyStore ks, String alias, char[] keypass) {
    try {
      Key k = ks.getKey(alias, keypass);
      return k == null ? "null" : k.getAlgorithm() + ":" + Arrays.toString(k.getEncoded());
    } catch (Exception e) {
      return "failure " + e.getClass().getName();
    }
  }

  // keytool -list runs in the background (each is a JVM start); main() waits for them all.
  private static final ExecutorService keytools = Executors.newFixedThreadPool(4);
  private static final List<Future<String>> keytoolResults = new ArrayList<>();

  private static void keytoolList(String path, char[] storepass) {
    final String pass = storepass == null ? null : new String(storepass);
    keytoolResults.add(keytools.submit(() -> {
      String keytool = System.getProperty("java.home") + File.separator + "bin" + File.separator
          + "keytool";
      List<String> cmd = new ArrayList<>(Arrays.asList(keytool, "-list", "-keystore", path,
          "-storetype", "PKCS12"));
      if (pass != null) {
        cmd.add("-storepass:env");
        cmd.add("P12W_STOREPASS");
      }
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      if (pass != null) pb.environment().put("P12W_STOREPASS", pass);
      Process p = pb.start();
      p.getOutputStream().close();
      String output = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return path + ": keytool -list timed out";
      }
      return p.exitValue() == 0 ? null
          : path + ": keytool -list exited " + p.exitValue() + ": " + output.trim();
    }));
  }

  private static void roundTrip(String original, String rewritten, String storeCol,
      String keyCol) throws Exception {
    int before = failures;
    char[] storepass = password(storeCol);
    char[] keypass = keyCol.equals("-") ? storepass : password(keyCol);
    long loadTime = System.currentTimeMillis();
    KeyStore a = load(original, storepass);
    KeyStore b = load(rewritten, storepass);
    List<String> aliasesA = Collections.list(a.aliases());
    List<String> aliasesB = Collections.list(b.aliases());
    if (!aliasesA.equals(aliasesB)) {
      fail("aliases " + aliasesA + " vs " + aliasesB);
      return;
    }
    for (String alias : aliasesA) {
      String ka = kind(a, alias), kb = kind(b, alias);
      if (!ka.equals(kb)) fail(alias + ": kind " + ka + " vs " + kb);
      List<byte[]> ca = chain(a, alias), cb = chain(b, alias);
      boolean same = ca.size() == cb.size();
      for (int i = 0; same && i < ca.size(); i++) same = Arrays.equals(ca.get(i), cb.get(i));
      if (!same) fail(alias + ": certificates differ (" + ca.size() + " vs " + cb.size() + ")");
      if (ka.equals("private") || ka.equals("secret")) {
        // A date Java restored from "Time <ms>" must survive; one it made up at load time (no such
        // localKeyID) cannot be compared.
        Date da = a.getCreationDate(alias), db = b.getCreationDate(alias);
        if (da.getTime() < loadTime - 60_000 && !da.equals(db)) {
          fail(alias + ": creation date " + da.getTime() + " vs " + db.getTime());
        }
        String keyA = key(a, alias, keypass), keyB = key(b, alias, keypass);
        if (!keyA.equals(keyB)) fail(alias + ": key differs: " + shorten(keyA) + " vs "
            + shorten(keyB));
      }
    }
    keytoolList(rewritten, storepass);
    System.out.println((failures == before ? "ok " : "FAILED ") + rewritten + " ("
        + aliasesA.size() + " entries)");
  }

  private static String shorten(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }

  private static void trusted(String rewritten, String storeCol, String spec) throws Exception {
    int before = failures;
    char[] storepass = password(storeCol);
    KeyStore ks = load(rewritten, storepass);
    List<String> expected = new ArrayList<>();
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    List<String> aliases = Collections.list(ks.aliases());
    for (String part : spec.split(";")) {
      String alias = part.substring(0, part.indexOf('='));
      String pem = part.substring(part.indexOf('=') + 1);
      expected.add(alias);
      if (!ks.isCertificateEntry(alias)) {
        fail(alias + ": not a trusted certificate entry (kind " + kind(ks, alias) + ")");
        continue;
      }
      Certificate want = cf.generateCertificate(
          new ByteArrayInputStream(Files.readAllBytes(Paths.get(pem))));
      if (!Arrays.equals(want.getEncoded(), ks.getCertificate(alias).getEncoded())) {
        fail(alias + ": certificate differs from " + pem);
      }
      KeyStore.Entry entry = ks.getEntry(alias, null);
      if (!(entry instanceof KeyStore.TrustedCertificateEntry)) {
        fail(alias + ": getEntry is " + entry);
      }
    }
    if (!aliases.equals(expected)) fail("aliases " + aliases + ", expected " + expected);
    keytoolList(rewritten, storepass);
    System.out.println((failures == before ? "ok " : "FAILED ") + rewritten + " ("
        + aliases.size() + " trusted entries)");
  }

  public static void main(String[] args) throws Exception {
    List<String> lines = Files.readAllLines(Paths.get(args[0]));
    int checked = 0;
    for (String line : lines) {
      if (line.isEmpty()) continue;
      String[] f = line.split("\t", -1);
      current = f[1];
      try {
        if (f[0].equals("ROUNDTRIP")) {
          current = f[2];
          roundTrip(f[1], f[2], f[3], f[4]);
        } else if (f[0].equals("TRUSTED")) {
          trusted(f[1], f[2], f[3]);
        } else {
          fail("unknown line " + line);
        }
      } catch (Exception e) {
        fail("exception " + e);
      }
      checked++;
    }
    current = "keytool";
    for (Future<String> result : keytoolResults) {
      String error = result.get();
      if (error != null) fail(error);
    }
    keytools.shutdown();
    if (checked == 0) fail("no stores listed");
    System.out.println(checked + " stores checked, " + failures + " mismatches");
    System.exit(failures == 0 ? 0 : 1);
  }
}
