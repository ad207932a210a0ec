// ListKeystore — the Java oracle: prints how the JVM itself sees a keystore, one JSON line per store.
//
//   javac -d DIR tests/java/ListKeystore.java
//   java -cp DIR ListKeystore FILE PASSWORD [FILE PASSWORD ...]
//   java -cp DIR ListKeystore --anchors FILE PASSWORD [FILE PASSWORD ...]
//
// PASSWORD "-" means a null password (load(in, null): no integrity check); an empty argument or the
// two characters '' mean the empty password. Any other value is used as is.
//
// Listing output (pure ASCII; every char > 0x7E and every control char is written as \\uXXXX):
//   {"file":"...","ok":true,"type":"JKS","entries":[{"alias":"...","lookupable":true,
//     "kind":"private_key|trusted_cert|secret_key|unknown","created":<epoch ms|null>,
//     "chain":["<sha256 hex of each cert's DER>",...]},...]}
//   entries are in KeyStore.aliases() order.
// --anchors output: {"file":"...","ok":true,"anchors":N,"certs":["<sha256>",...]} where the certs are
//   the trust anchors a TrustManagerFactory("PKIX") initialised with the store uses (every trusted-cert
//   entry plus chain[0] of every key entry, deduplicated; sorted by hash). An empty set is reported the
//   way PKIXValidator fails: ok:false with "java.security.InvalidAlgorithmParameterException: the
//   trustAnchors parameter must be non-empty".
// Failure: {"file":"...","ok":false,"error":"<exception class>: <message>"}

import java.io.File;
import java.io.FileInputStream;
import java.io.InputStream;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

public final class ListKeystore {

    public static void main(String[] args) {
        int i = 0;
        boolean anchors = false;
        if (args.length > 0 && args[0].equals("--anchors")) {
            anchors = true;
            i = 1;
        }
        int n = args.length - i;
        if (n == 0 || n % 2 != 0) {
            System.err.println("usage: ListKeystore [--anchors] FILE PASSWORD [FILE PASSWORD ...]"
                    + "   (PASSWORD '-' = null, '' = empty)");
            System.exit(2);
        }
        for (; i < args.length; i += 2) {
            String file = args[i];
            char[] password = parsePassword(args[i + 1]);
            String line;
            try {
                line = anchors ? anchors(file, password) : list(file, password);
            } catch (Throwable t) {
                line = "{\"file\":" + q(file) + ",\"ok\":false,\"error\":"
                        + q(t.getClass().getName() + ": " + t.getMessage()) + "}";
            }
            System.out.println(line);
        }
    }

    private static char[] parsePassword(String s) {
        if (s.equals("-")) return null;
        if (s.equals("''")) return new char[0];
        return s.toCharArray();
    }

    private static KeyStore open(String file, char[] password) throws Exception {
        if (password != null) {
            // Probes the content (magic) like Java does, then loads with the password. The probe
            // refuses some PKCS#12 files (e.g. one with no bag at all) that an explicit
            // KeyStore.getInstance("PKCS12").load() — what servers call — reads; fall back to that.
            try {
                return KeyStore.getInstance(new File(file), password);
            } catch (java.security.KeyStoreException e) {
                if (!String.valueOf(e.getMessage()).startsWith("Unrecognized keystore format")) throw e;
            }
        }
        byte[] head;
        try (InputStream in = new FileInputStream(file)) {
            head = in.readNBytes(4);
        }
        String type = "PKCS12";
        if (head.length == 4) {
            int magic = ((head[0] & 0xff) << 24) | ((head[1] & 0xff) << 16) | ((head[2] & 0xff) << 8) | (head[3] & 0xff);
            if (magic == 0xFEEDFEED) type = "JKS";
            else if (magic == 0xCECECECE) type = "JCEKS";
        }
        KeyStore ks = KeyStore.getInstance(type);
        try (InputStream in = new FileInputStream(file)) {
            ks.load(in, password);
        }
        return ks;
    }

    private static String list(String file, char[] password) throws Exception {
        KeyStore ks = open(file, password);
        StringBuilder sb = new StringBuilder();
        sb.append("{\"file\":").append(q(file)).append(",\"ok\":true,\"type\":").append(q(ks.getType()))
          .append(",\"entries\":[");
        boolean first = true;
        for (Enumeration<String> e = ks.aliases(); e.hasMoreElements(); ) {
            String alias = e.nextElement();
            String kind;
            List<Certificate> chain = new ArrayList<>();
            if (ks.isCertificateEntry(alias)) {
                kind = "trusted_cert";
                Certificate c = ks.getCertificate(alias);
                if (c != null) chain.add(c);
            } else if (ks.entryInstanceOf(alias, KeyStore.PrivateKeyEntry.class)) {
                kind = "private_key";
                Certificate[] ch = ks.getCertificateChain(alias);
                if (ch != null) Collections.addAll(chain, ch);
            } else if (ks.entryInstanceOf(alias, KeyStore.SecretKeyEntry.class)) {
                kind = "secret_key";
            } else {
                kind = "unknown";
            }
            Date created = ks.getCreationDate(alias);
            if (!first) sb.append(',');
            first = false;
            sb.append("{\"alias\":").append(q(alias))
              .append(",\"lookupable\":").append(ks.containsAlias(alias))
              .append(",\"kind\":").append(q(kind))
              .append(",\"created\":").append(created == null ? "null" : Long.toString(created.getTime()))
              .append(",\"chain\":[");
            for (int j = 0; j < chain.size(); j++) {
                if (j > 0) sb.append(',');
                sb.append('"').append(sha256(chain.get(j).getEncoded())).append('"');
            }
            sb.append("]}");
        }
        sb.append("]}");
        return sb.toString();
    }

    private static String anchors(String file, char[] password) throws Exception {
        KeyStore ks = open(file, password);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(ks);
        X509TrustManager tm = null;
        for (TrustManager t : tmf.getTrustManagers()) {
            if (t instanceof X509TrustManager) {
                tm = (X509TrustManager) t;
                break;
            }
        }
        if (tm == null) throw new IllegalStateException("no X509TrustManager");
        X509Certificate[] issuers = tm.getAcceptedIssuers();
        Set<TrustAnchor> set = new HashSet<>();
        List<String> hashes = new ArrayList<>();
        for (X509Certificate c : issuers) {
            set.add(new TrustAnchor(c, null));
            hashes.add(sha256(c.getEncoded()));
        }
        // Exactly what sun.security.validator.PKIXValidator does with the trusted certs.
        new PKIXBuilderParameters(set, null);
        Collections.sort(hashes);
        StringBuilder sb = new StringBuilder();
        sb.append("{\"file\":").append(q(file)).append(",\"ok\":true,\"anchors\":").append(issuers.length)
          .append(",\"certs\":[");
        for (int j = 0; j < hashes.size(); j++) {
            if (j > 0) sb.append(',');
            sb.append('"').append(hashes.get(j)).append('"');
        }
        sb.append("]}");
        return sb.toString();
    }

    private static String sha256(byte[] data) throws Exception {
        byte[] d = MessageDigest.getInstance("SHA-256").digest(data);
        StringBuilder sb = new StringBuilder(64);
        for (byte b : d) sb.append(String.format("%02x", b & 0xff));
        return sb.toString();
    }

    /** JSON string literal; output is pure ASCII. */
    private static String q(String s) {
        if (s == null) return "null";
        StringBuilder sb = new StringBuilder(s.length() + 2);
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') sb.append("\\\"");
            else if (c == '\\') sb.append("\\\\");
            else if (c < 0x20 || c > 0x7E) sb.append(String.format("\\u%04x", (int) c));
            else sb.append(c);
        }
        sb.append('"');
        return sb.toString();
    }
}
