// WriterCheck — what the JVM does with keystores ksdoctor writes (tests/writers).
//
//   javac --add-exports java.base/sun.security.tools.keytool=ALL-UNNAMED -d DIR WriterCheck.java
//   java --add-exports java.base/sun.security.tools.keytool=ALL-UNNAMED -cp DIR WriterCheck MODE ...
//
// PASSWORD "-" means null, '' (two quote characters) the empty password, anything else as is.
//
// Modes (several stores per JVM start: a JVM start costs about a second here):
//   keytool ARG... [--next ARG...]...   runs keytool (sun.security.tools.keytool.Main) once per
//                                       argument group, in this one JVM
//   resave IN STOREPASS OUT [...]       KeyStore.load(IN) then store(OUT): the bytes Java writes
//                                       for a store it loaded and did not change
//   add IN STOREPASS OUT ALIAS=CERT...  load IN, setCertificateEntry for each (in order), store OUT
//   aliases FILE STOREPASS [...]        one line per store: FILE, then each alias in aliases()
//                                       order, tab-separated (escaped as below)
//   compare [--no-dates] [--any-order] A B STOREPASS KEYPASS [A B STOREPASS KEYPASS ...]
//                                       loads A and B and compares what the KeyStore API reports:
//                                       aliases() order (unless --any-order: a store Java loads
//                                       and stores again can enumerate colliding aliases in another
//                                       order), entry kinds, creation dates, chains (DER),
//                                       getKey(alias, KEYPASS) algorithm/format/getEncoded(); prints
//                                       "DIFF A: ..." per difference, then "RESULT A SAME n" or
//                                       "RESULT A DIFFERENT n"
// Aliases are printed in pure ASCII: everything outside 0x20..0x7E, and the backslash, as \\uXXXX.

import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.Date;
import java.util.List;

public final class WriterCheck {

    public static void main(String[] args) throws Exception {
        if (args.length == 0) usage();
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "keytool": keytool(rest); break;
            case "resave": resave(rest); break;
            case "add": add(rest); break;
            case "aliases": aliases(rest); break;
            case "compare": compare(rest); break;
            default: usage();
        }
    }

    private static void usage() {
        System.err.println("usage: WriterCheck keytool|resave|add|compare ... (see the source)");
        System.exit(2);
    }

    private static char[] password(String s) {
        if (s.equals("-")) return null;
        if (s.equals("''")) return new char[0];
        return s.toCharArray();
    }

    private static KeyStore load(String file, char[] password) throws Exception {
        byte[] head = new byte[4];
        try (InputStream in = new FileInputStream(file)) {
            if (in.readNBytes(head, 0, 4) != 4) throw new IllegalArgumentException("short file");
        }
        // By magic, as ksdoctor detects: FEEDFEED is JKS, CECECECE is JCEKS.
        String type = (head[0] & 0xff) == 0xce ? "JCEKS" : "JKS";
        KeyStore ks = KeyStore.getInstance(type);
        try (InputStream in = new FileInputStream(file)) {
            ks.load(in, password);
        }
        return ks;
    }

    private static void store(KeyStore ks, String file, char[] password) throws Exception {
        try (OutputStream out = new FileOutputStream(file)) {
            ks.store(out, password);
        }
    }

    private static void keytool(String[] args) throws Exception {
        List<String> group = new ArrayList<>();
        for (int i = 0; i <= args.length; ++i) {
            if (i == args.length || args[i].equals("--next")) {
                // Main.main calls System.exit only when keytool fails.
                sun.security.tools.keytool.Main.main(group.toArray(new String[0]));
                group.clear();
            } else {
                group.add(args[i]);
            }
        }
    }

    private static void resave(String[] args) throws Exception {
        if (args.length == 0 || args.length % 3 != 0) usage();
        for (int i = 0; i < args.length; i += 3) {
            char[] pw = password(args[i + 1]);
            store(load(args[i], pw), args[i + 2], pw);
        }
    }

    private static void aliases(String[] args) throws Exception {
        if (args.length == 0 || args.length % 2 != 0) usage();
        for (int i = 0; i < args.length; i += 2) {
            StringBuilder line = new StringBuilder(args[i]);
            for (String alias : Collections.list(load(args[i], password(args[i + 1])).aliases())) {
                line.append('\t').append(escape(alias));
            }
            System.out.println(line);
        }
    }

    private static void add(String[] args) throws Exception {
        if (args.length < 3) usage();
        char[] pw = password(args[1]);
        KeyStore ks = load(args[0], pw);
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        for (int i = 3; i < args.length; ++i) {
            int eq = args[i].indexOf('=');
            try (InputStream in = new FileInputStream(args[i].substring(eq + 1))) {
                ks.setCertificateEntry(args[i].substring(0, eq), cf.generateCertificate(in));
            }
        }
        store(ks, args[2], pw);
    }

    // One line per fact the KeyStore API gives about the store, in aliases() order.
    private static List<String> describe(String file, char[] storepass, char[] keypass,
                                         boolean dates, boolean anyOrder) throws Exception {
        KeyStore ks = load(file, storepass);
        List<String> out = new ArrayList<>();
        out.add("size " + ks.size());
        List<String> aliases = Collections.list(ks.aliases());
        if (anyOrder) Collections.sort(aliases);
        for (String alias : aliases) {
            String a = "alias " + escape(alias);
            out.add(a);
            String kind = ks.entryInstanceOf(alias, KeyStore.PrivateKeyEntry.class) ? "private_key"
                    : ks.entryInstanceOf(alias, KeyStore.SecretKeyEntry.class) ? "secret_key"
                    : ks.entryInstanceOf(alias, KeyStore.TrustedCertificateEntry.class)
                            ? "trusted_cert"
                            : "unknown";
            out.add(a + " kind " + kind + " isKey " + ks.isKeyEntry(alias) + " isCert "
                    + ks.isCertificateEntry(alias));
            Date created = ks.getCreationDate(alias);
            if (dates) out.add(a + " created " + (created == null ? "null" : created.getTime()));
            Certificate[] chain = ks.getCertificateChain(alias);
            if (chain != null) {
                for (int i = 0; i < chain.length; ++i) {
                    out.add(a + " chain[" + i + "] " + b64(chain[i].getEncoded()));
                }
            }
            Certificate cert = ks.getCertificate(alias);
            out.add(a + " cert " + (cert == null ? "null" : b64(cert.getEncoded())));
            String key;
            try {
                Key k = ks.getKey(alias, keypass);
                key = k == null ? "null"
                        : k.getAlgorithm() + " " + k.getFormat() + " " + b64(k.getEncoded());
            } catch (Exception e) {
                key = e.getClass().getName() + ": " + e.getMessage();
            }
            out.add(a + " key " + key);
        }
        return out;
    }

    private static void compare(String[] args) throws Exception {
        boolean dates = true;
        boolean anyOrder = false;
        int i = 0;
        for (; i < args.length && args[i].startsWith("--"); ++i) {
            if (args[i].equals("--no-dates")) {
                dates = false;
            } else if (args[i].equals("--any-order")) {
                anyOrder = true;
            } else {
                usage();
            }
        }
        if (args.length == i || (args.length - i) % 4 != 0) usage();
        for (; i < args.length; i += 4) {
            char[] storepass = password(args[i + 2]);
            char[] keypass = password(args[i + 3]);
            List<String> a = describe(args[i], storepass, keypass, dates, anyOrder);
            List<String> b = describe(args[i + 1], storepass, keypass, dates, anyOrder);
            int differences = 0;
            for (int k = 0; k < Math.max(a.size(), b.size()); ++k) {
                String x = k < a.size() ? a.get(k) : "(nothing)";
                String y = k < b.size() ? b.get(k) : "(nothing)";
                if (!x.equals(y)) {
                    ++differences;
                    System.out.println("DIFF " + args[i] + ": line " + k + ": " + abbreviate(x)
                            + "  <>  " + abbreviate(y));
                }
            }
            System.out.println("RESULT " + args[i]
                    + (differences == 0 ? " SAME " + a.size() : " DIFFERENT " + differences));
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static String abbreviate(String s) {
        return s.length() <= 160 ? s : s.substring(0, 157) + "...";
    }

    // Pure ASCII: everything outside 0x20..0x7E as \\uXXXX.
    private static String escape(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c >= 0x20 && c < 0x7f && c != '\\') {
                b.append(c);
            } else {
                b.append(String.format("\\u%04x", (int) c));
            }
        }
        return b.toString();
    }
}
