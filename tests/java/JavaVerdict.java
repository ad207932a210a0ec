// JavaVerdict — the JVM's own verdict on a TrustScenarios scenario: what a TLS client's default
// PKIX TrustManager says about the peer's chain, given the scenario's truststore.
//
//   javac --add-exports java.base/sun.security.validator=ALL-UNNAMED -d DIR JavaVerdict.java
//   java  --add-exports java.base/sun.security.validator=ALL-UNNAMED -cp DIR JavaVerdict SCENARIO_DIR...
//
// One JSON line per directory, in argument order:
//   {"dir":"...","trusted":true|false,"message":"...","path":["<sha256>",...],"exception":"<class>",
//    "causes":["<class>",...],"reason":"<CertPathValidatorException reason>"}
//
// verdict/message: KeyStore.getInstance(file, "changeit") -> TrustManagerFactory("PKIX").init(ks)
//   -> X509ExtendedTrustManager.checkServerTrusted(chain, "UNKNOWN") with no socket/engine (so no
//   hostname check, and no TLS-handshake algorithm constraints — only jdk.certpath.disabledAlgorithms).
//   "message" is e.getMessage() verbatim for a CertificateException, and also for a RuntimeException
//   (empty anchor set: "Unexpected error: java.security.InvalidAlgorithmParameterException: the
//   trustAnchors parameter must be non-empty"). "exception" is the thrown class ("" when trusted).
// causes: the class names of the exception's causes, outermost first ([] when trusted), e.g.
//   ["java.security.cert.CertPathValidatorException","java.security.cert.CertificateNotYetValidException"]
//   for "validity check failed" on a certificate not valid yet; reason: the first
//   CertPathValidatorException's getReason() ("EXPIRED", "NOT_YET_VALID", ...), "" when none.
// path: the certificate array the JDK's trust manager computes and then discards (leaf first, trust
//   anchor last). It is obtained by running the very same code the trust manager runs:
//   sun.security.validator.Validator.getInstance(TYPE_PKIX, VAR_TLS_SERVER, trustedCerts)
//   .validate(chain, null, emptyList, null, "UNKNOWN"), where trustedCerts is exactly the trust
//   manager's own set (getAcceptedIssuers()). The two runs must agree on trusted/message; if they do
//   not, the line carries "oracle_inconsistent":true (never seen). path is [] when not trusted.

import java.io.*;
import java.nio.file.*;
import java.security.*;
import java.security.cert.*;
import java.util.*;
import javax.net.ssl.*;

import sun.security.validator.Validator;

public final class JavaVerdict {
    static final char[] PASS = "changeit".toCharArray();
    static final String[] STORES = {"trust.jks", "trust.jceks", "trust.p12", "trust-openssl.p12"};

    public static void main(String[] args) throws Exception {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        StringBuilder out = new StringBuilder();
        for (String d : args) {
            out.setLength(0);
            Path dir = Path.of(d);
            Path store = null;
            for (String s : STORES) if (Files.exists(dir.resolve(s))) { store = dir.resolve(s); break; }
            if (store == null) throw new FileNotFoundException("no truststore in " + dir);

            X509Certificate[] chain;
            try (InputStream in = Files.newInputStream(dir.resolve("peer.pem"))) {
                chain = cf.generateCertificates(in).toArray(new X509Certificate[0]);
            }
            KeyStore ks = KeyStore.getInstance(store.toFile(), PASS);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(ks);
            X509ExtendedTrustManager tm = null;
            for (TrustManager t : tmf.getTrustManagers()) if (t instanceof X509ExtendedTrustManager) tm = (X509ExtendedTrustManager) t;
            if (tm == null) throw new IllegalStateException("no X509ExtendedTrustManager");

            // 1. the verdict, exactly as a TLS client gets it
            boolean trusted; String message = "", exClass = "", reason = "";
            List<String> causes = new ArrayList<>();
            try {
                tm.checkServerTrusted(chain, "UNKNOWN");
                trusted = true;
            } catch (CertificateException | RuntimeException e) {
                trusted = false;
                message = e.getMessage() == null ? "" : e.getMessage();
                exClass = e.getClass().getName();
                for (Throwable t = e.getCause(); t != null && causes.size() < 8; t = t.getCause()) {
                    causes.add(t.getClass().getName());
                    if (t instanceof CertPathValidatorException && reason.isEmpty())
                        reason = String.valueOf(((CertPathValidatorException) t).getReason());
                }
            }

            // 2. the same computation, keeping the path the trust manager throws away
            X509Certificate[] path = null; boolean trusted2; String message2 = "";
            try {
                Set<X509Certificate> anchors = new HashSet<>(Arrays.asList(tm.getAcceptedIssuers()));
                Validator v = Validator.getInstance(Validator.TYPE_PKIX, Validator.VAR_TLS_SERVER, anchors);
                path = v.validate(chain, null, Collections.emptyList(), null, "UNKNOWN");
                trusted2 = true;
            } catch (CertificateException | RuntimeException e) {
                trusted2 = false;
                message2 = e.getMessage() == null ? "" : e.getMessage();
            }

            out.append("{\"dir\":").append(json(d))
               .append(",\"trusted\":").append(trusted)
               .append(",\"message\":").append(json(message))
               .append(",\"path\":[");
            if (trusted && path != null) {
                for (int i = 0; i < path.length; i++) {
                    if (i > 0) out.append(',');
                    out.append('"').append(sha256(path[i])).append('"');
                }
            }
            out.append("],\"exception\":").append(json(exClass));
            out.append(",\"causes\":[");
            for (int i = 0; i < causes.size(); i++) out.append(i > 0 ? "," : "").append(json(causes.get(i)));
            out.append("],\"reason\":").append(json(reason));
            if (trusted != trusted2 || !message.equals(message2)) out.append(",\"oracle_inconsistent\":true");
            out.append('}');
            System.out.println(out);
        }
    }

    static String sha256(X509Certificate c) throws Exception {
        byte[] d = MessageDigest.getInstance("SHA-256").digest(c.getEncoded());
        StringBuilder sb = new StringBuilder();
        for (byte b : d) sb.append(String.format("%02x", b));
        return sb.toString();
    }

    static String json(String s) { return TestText.json(s); }
}
