// Compares two keystores as a JVM sees them: `java CompareStores ORIG CONVERTED STOREPASS KEYPASS`.
// Aliases are matched case-insensitively (JKS/JCEKS lower-case them); kinds, certificate chains
// (DER), creation dates (when ORIG stores real ones) and every private and secret key's
// getAlgorithm() and getEncoded() bytes must be equal. Prints "OK <n> entries (<k> secret keys)"
// or "DIFF <what>" and exits 0 / 1.
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.*;
import javax.crypto.SecretKey;

public class CompareStores {
  static KeyStore load(String path, char[] pass) throws Exception {
    return KeyStore.getInstance(new File(path), pass);
  }

  static String kind(KeyStore ks, String alias) throws Exception {
    if (ks.isKeyEntry(alias)) {
      return ks.getCertificateChain(alias) != null ? "private_key" : "secret_key";
    }
    return "trusted_cert";
  }

  static List<byte[]> chain(KeyStore ks, String alias) throws Exception {
    List<byte[]> out = new ArrayList<>();
    Certificate[] c = ks.isKeyEntry(alias) ? ks.getCertificateChain(alias)
                                           : new Certificate[] {ks.getCertificate(alias)};
    if (c != null) for (Certificate x : c) out.add(x.getEncoded());
    return out;
  }

  public static void main(String[] args) throws Exception {
    char[] storepass = args[2].toCharArray();
    char[] keypass = args[3].toCharArray();
    // A PKCS#12 key entry's date is stored (localKeyID "Time <ms>") when it predates this load;
    // otherwise Java reports the load time, which no converter can keep.
    long loadStart = System.currentTimeMillis();
    KeyStore a = load(args[0], storepass);
    KeyStore b = load(args[1], storepass);
    boolean datesReal = !a.getType().equalsIgnoreCase("PKCS12");
    int secretKeys = 0;
    Map<String, String> bAliases = new HashMap<>();
    for (String s : Collections.list(b.aliases())) bAliases.put(s.toLowerCase(Locale.ENGLISH), s);
    if (a.size() != b.size()) fail("size " + a.size() + " vs " + b.size());
    for (String alias : Collections.list(a.aliases())) {
      String other = bAliases.get(alias.toLowerCase(Locale.ENGLISH));
      if (other == null) fail("alias " + alias + " missing");
      if (!kind(a, alias).equals(kind(b, other))) fail("kind of " + alias);
      List<byte[]> ca = chain(a, alias), cb = chain(b, other);
      if (ca.size() != cb.size()) fail("chain length of " + alias);
      for (int i = 0; i < ca.size(); i++) {
        if (!Arrays.equals(ca.get(i), cb.get(i))) fail("chain[" + i + "] of " + alias);
      }
      // PKCS#12 keeps no creation date for trusted certificates: Java reports the load time.
      boolean stored = datesReal
          || (a.isKeyEntry(alias) && a.getCreationDate(alias).getTime() < loadStart);
      boolean dated = stored && (a.isKeyEntry(alias) || !b.getType().equalsIgnoreCase("PKCS12"));
      if (dated && !a.getCreationDate(alias).equals(b.getCreationDate(other))) {
        fail("creation date of " + alias);
      }
      if (a.isKeyEntry(alias)) {
        Key ka = a.getKey(alias, keypass), kb = b.getKey(other, keypass);
        if (!Arrays.equals(ka.getEncoded(), kb.getEncoded())) fail("key bytes of " + alias);
        String algorithm = ka.getAlgorithm();
        if (ka instanceof SecretKey && b.getType().equalsIgnoreCase("PKCS12")
            && !a.getType().equalsIgnoreCase("PKCS12")) {
          algorithm = throughJavaPkcs12(ka, keypass);  // "DES" comes back "DES/CBC", "RC4" "ARCFOUR"
        }
        if (!algorithm.equals(kb.getAlgorithm())) {
          fail("key algorithm of " + alias + ": " + kb.getAlgorithm() + ", Java: " + algorithm);
        }
        if ((ka instanceof SecretKey) != (kb instanceof SecretKey)) fail("key type of " + alias);
        if (ka instanceof SecretKey) secretKeys++;
      }
    }
    System.out.println("OK " + a.size() + " entries (" + secretKeys + " secret keys)");
  }

  // The algorithm name a secret key has after Java's own PKCS12 keystore stored and reloaded it.
  static String throughJavaPkcs12(Key key, char[] pass) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, pass);
    ks.setKeyEntry("k", key, pass, null);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ks.store(out, pass);
    KeyStore back = KeyStore.getInstance("PKCS12");
    back.load(new ByteArrayInputStream(out.toByteArray()), pass);
    return back.getKey("k", pass).getAlgorithm();
  }

  static void fail(String what) {
    System.out.println("DIFF " + what);
    System.exit(1);
  }
}
