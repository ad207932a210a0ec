// BksDump — what BouncyCastle (bcprov on the class path) sees in BKS and UBER keystores, one JSON
// line per store, for the BKS oracle test (tests/bks). Reads lines "PATH<TAB>TYPE<TAB>STOREPASS
// <TAB>KEYPASS" on stdin (TYPE: BKS or UBER) and loads each with KeyStore.getInstance(TYPE, "BC").
//
//   java -cp DIR:/usr/share/java/bcprov.jar BksDump < list.tsv
//
// {"file":..,"type":"BKS","error":"..."?,"error_class":"integrity|other"?,"entries":[{"alias":..,
//   "kind":"private_key|trusted_cert|secret_key","created":<ms>,"chain":["<sha256 of DER>",...],
//   "key":"<sha256 of getEncoded()>"?,"key_algorithm":..?,"key_error":".."?}]}
// kind follows KeyStore.entryInstanceOf: a key entry with a certificate is a private key entry.
// "integrity" marks BouncyCastle's "KeyStore integrity check failed." (the wrong-password answer).
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.security.*;
import java.security.cert.Certificate;
import java.util.*;

public final class BksDump {
    public static void main(String[] args) throws Exception {
        Security.addProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, "UTF-8");
        for (String line; (line = in.readLine()) != null; ) {
            if (line.isEmpty()) continue;
            String[] f = line.split("\t", -1);
            out.println(dump(f[0], f[1], f[2].toCharArray(), f[3].toCharArray()));
        }
    }

    static String dump(String path, String type, char[] storepass, char[] keypass) {
        StringBuilder sb = new StringBuilder("{\"file\":").append(KeyStoreDump.json(path));
        sb.append(",\"type\":").append(KeyStoreDump.json(type));
        try {
            KeyStore ks = KeyStore.getInstance(type, "BC");
            try (InputStream s = new FileInputStream(path)) { ks.load(s, storepass); }
            sb.append(",\"entries\":[");
            boolean first = true;
            for (String alias : Collections.list(ks.aliases())) {
                if (!first) sb.append(',');
                first = false;
                boolean key = ks.isKeyEntry(alias);
                Certificate[] chain = key ? ks.getCertificateChain(alias) : new Certificate[] {ks.getCertificate(alias)};
                // BouncyCastle's rule (entryInstanceOf): a key entry with a certificate is a private key.
                String kind = key ? (ks.getCertificate(alias) != null ? "private_key" : "secret_key") : "trusted_cert";
                KeyStoreDump.appendEntryHead(sb, ks, alias, chain, kind);
                if (key) {
                    try {
                        Key k = ks.getKey(alias, keypass);
                        sb.append(",\"key\":\"").append(KeyStoreDump.sha256(k.getEncoded())).append('"');
                        sb.append(",\"key_algorithm\":").append(KeyStoreDump.json(k.getAlgorithm()));
                    } catch (Exception | Error e) {
                        sb.append(",\"key_error\":").append(KeyStoreDump.json(e.toString()));
                    }
                }
                sb.append('}');
            }
            sb.append(']');
        } catch (Exception e) {
            String what = String.valueOf(e.getMessage()).contains("integrity check failed") ? "integrity" : "other";
            sb.append(",\"error\":").append(KeyStoreDump.json(e.toString()));
            sb.append(",\"error_class\":\"").append(what).append('"');
        }
        return sb.append('}').toString();
    }
}
