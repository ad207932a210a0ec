// For the scaling benchmark (bench/scale.sh): a 50 000-entry store from the 5 000-entry one.
import java.io.*;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.*;

// GrowStore IN OUT TYPE COPIES: every trusted certificate of IN, COPIES times under new aliases.
public class GrowStore {
  public static void main(String[] a) throws Exception {
    char[] pw = "changeit".toCharArray();
    KeyStore in = KeyStore.getInstance("JKS");
    try (InputStream f = new FileInputStream(a[0])) { in.load(f, pw); }
    KeyStore out = KeyStore.getInstance(a[2]);
    out.load(null, pw);
    int copies = Integer.parseInt(a[3]);
    List<String> aliases = Collections.list(in.aliases());
    for (int r = 0; r < copies; r++)
      for (String alias : aliases) out.setCertificateEntry(alias + "-" + r, in.getCertificate(alias));
    try (OutputStream f = new FileOutputStream(a[1])) { out.store(f, pw); }
  }
}
