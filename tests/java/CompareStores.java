// Compares two keystores as a JVM sees them: `java CompareStores ORIG CONVERTED STOREPASS KEYPASS`.
// Aliases are matched case-insensitively (JKS/JCEKS lower-case them); kinds, certificate chains
// (DER), creation dates (when ORIG stores real ones) and every private key's getEncoded() bytes
// must be equal. Prints "OK <n> entries" or "DIFF <what>" and exits 0 / 1.
import java.io.File;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.*;

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
    KeyStore a = load(args[0], storepass);
    KeyStore b = load(args[1], storepass);
    boolean datesReal = !a.getType().equalsIgnoreCase("PKCS12");
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
      boolean dated = datesReal && (a.isKeyEntry(alias) || !b.getType().equalsIgnoreCase("PKCS12"));
      if (dated && !a.getCreationDate(alias).equals(b.getCreationDate(other))) {
        fail("creation date of " + alias);
      }
      if (a.isKeyEntry(alias)) {
        Key ka = a.getKey(alias, keypass), kb = b.getKey(other, keypass);
        if (!Arrays.equals(ka.getEncoded(), kb.getEncoded())) fail("key bytes of " + alias);
        if (!ka.getAlgorithm().equals(kb.getAlgorithm())) fail("key algorithm of " + alias);
      }
    }
    System.out.println("OK " + a.size() + " entries");
  }

  static void fail(String what) {
    System.out.println("DIFF " + what);
    System.exit(1);
  }
}
