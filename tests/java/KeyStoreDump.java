// KeyStoreDump — what a JVM sees in keystores, one JSON line per store, for the round-trip test
// (tests/roundtrip). Reads lines "PATH<TAB>STOREPASS<TAB>KEYPASS" on stdin; with two more fields
// "as=TYPE<TAB>TARGET" it dumps instead what Java itself writes to TARGET when it copies the store
// into TYPE.
//
//   java -cp DIR KeyStoreDump < list.tsv
//
// {"file":..,"type":"JKS","error":"..."?,"entries":[{"alias":..,"kind":"private_key|trusted_cert|secret_key",
//   "created":<ms>,"chain":["<sha256 of DER>",...],"key":"<sha256 of getEncoded()>","key_algorithm":"RSA",
//   "key_password":"keypass|storepass|none","chain_complete":true|false}]}
// chain_complete (key entries): every chain[i] names chain[i+1] as issuer and verifies with its
// key, and the last certificate is self-signed and verifies with its own key.
// Aliases are exactly what aliases() returns (JSON \\u escapes for non-ASCII).
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.security.*;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.*;

public final class KeyStoreDump {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, "UTF-8");
        for (String line; (line = in.readLine()) != null; ) {
            if (line.isEmpty()) continue;
            String[] f = line.split("\t", -1);
            if (f.length > 3 && f[3].startsWith("as=")) {
                out.println(javaConversion(f[0], f[1].toCharArray(), f[2].toCharArray(), f[3].substring(3), f[4]));
            } else {
                out.println(dump(f[0], f[1].toCharArray(), f[2].toCharArray()));
            }
        }
    }

    static String dump(String path, char[] storepass, char[] keypass) {
        StringBuilder sb = new StringBuilder("{\"file\":").append(json(path));
        try {
            KeyStore ks = KeyStore.getInstance(new File(path), storepass);
            sb.append(",\"type\":").append(json(ks.getType().toUpperCase(Locale.ENGLISH))).append(",\"entries\":[");
            boolean first = true;
            for (String alias : Collections.list(ks.aliases())) {
                if (!first) sb.append(',');
                first = false;
                boolean key = ks.isKeyEntry(alias);
                Certificate[] chain = key ? ks.getCertificateChain(alias) : new Certificate[] {ks.getCertificate(alias)};
                appendEntryHead(sb, ks, alias, chain, key ? (chain != null ? "private_key" : "secret_key") : "trusted_cert");
                if (key) {
                    Key k = null;
                    String which = "none";
                    try { k = ks.getKey(alias, keypass); which = "keypass"; } catch (UnrecoverableKeyException e) { }
                    if (k == null) {
                        try { k = ks.getKey(alias, storepass); which = "storepass"; } catch (UnrecoverableKeyException e) { }
                    }
                    sb.append(",\"key_password\":\"").append(k == null ? "none" : which).append('"');
                    if (k != null) {
                        sb.append(",\"key\":\"").append(sha256(k.getEncoded())).append('"');
                        sb.append(",\"key_algorithm\":").append(json(k.getAlgorithm()));
                    }
                    if (chain != null) sb.append(",\"chain_complete\":").append(complete(chain));
                }
                sb.append('}');
            }
            sb.append(']');
        } catch (Exception e) {
            sb.append(",\"error\":").append(json(e.toString()));
        }
        return sb.append('}').toString();
    }

    // What Java itself makes of the store in another type: every entry copied with the KeyStore API
    // (as keytool -importkeystore does), stored to TARGET, loaded again and dumped. Key
    // entries whose chain setKeyEntry refuses ("Certificate chain is not valid": PKCS12 wants issuer
    // order) are listed in "java_refused" and left out.
    static String javaConversion(String path, char[] storepass, char[] keypass, String type, String targetPath) {
        File target = new File(targetPath);
        List<String> refused = new ArrayList<>();
        try {
            KeyStore src = KeyStore.getInstance(new File(path), storepass);
            KeyStore dst = KeyStore.getInstance(type);
            dst.load(null, null);
            for (String alias : Collections.list(src.aliases())) {
                if (src.isCertificateEntry(alias)) {
                    dst.setCertificateEntry(alias, src.getCertificate(alias));
                    continue;
                }
                Key k;
                try { k = src.getKey(alias, keypass); } catch (UnrecoverableKeyException e) { k = src.getKey(alias, storepass); }
                try {
                    dst.setKeyEntry(alias, k, keypass, src.getCertificateChain(alias));
                } catch (KeyStoreException e) {
                    refused.add(alias);
                }
            }
            try (OutputStream o = new FileOutputStream(target)) { dst.store(o, storepass); }
        } catch (Exception e) {
            return "{\"file\":" + json(target.getPath()) + ",\"error\":" + json(e.toString()) + "}";
        }
        String d = dump(target.getPath(), storepass, keypass);
        StringBuilder r = new StringBuilder(",\"java_refused\":[");
        for (int i = 0; i < refused.size(); i++) r.append(i > 0 ? "," : "").append(json(refused.get(i)));
        return d.substring(0, d.length() - 1) + r.append("]}");
    }

    static boolean complete(Certificate[] chain) {
        try {
            for (int i = 0; i < chain.length; i++) {
                X509Certificate c = (X509Certificate) chain[i];
                X509Certificate issuer = (X509Certificate) chain[i + 1 < chain.length ? i + 1 : i];
                if (!c.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) return false;
                c.verify(issuer.getPublicKey());
            }
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    // An entry's object up to its chain: alias, kind, creation date and the chain's fingerprints.
    static void appendEntryHead(StringBuilder sb, KeyStore ks, String alias, Certificate[] chain, String kind)
            throws Exception {
        sb.append("{\"alias\":").append(json(alias));
        sb.append(",\"kind\":\"").append(kind).append('"');
        sb.append(",\"created\":").append(ks.getCreationDate(alias).getTime());
        sb.append(",\"chain\":[");
        if (chain != null) {
            for (int i = 0; i < chain.length; i++) {
                if (i > 0) sb.append(',');
                sb.append('"').append(sha256(chain[i].getEncoded())).append('"');
            }
        }
        sb.append(']');
    }

    static String sha256(byte[] b) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (byte x : MessageDigest.getInstance("SHA-256").digest(b)) sb.append(String.format("%02x", x));
        return sb.toString();
    }

    static String json(String s) { return TestText.json(s); }
}
