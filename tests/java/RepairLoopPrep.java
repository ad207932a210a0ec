// RepairLoopPrep — for TrustScenarios directories where Java's TrustManager fails with "PKIX path
// building failed" (tests/roundtrip): decides with a JVM whether importing the scenario's pool.pem
// would make Java trust the peer, and writes a bundle lacking the missing CA.
//
//   java --add-exports java.base/sun.security.validator=ALL-UNNAMED -cp DIR RepairLoopPrep SCENARIO_DIR...
//
// For each directory, one JSON line:
//   {"dir":..,"fixable":bool,"missing":"<RFC 2253 DN>"|"","missing_cn":"..","lacking_rejected":bool}
// fixable: a TrustManager over the truststore plus the pool.pem certificates named `missing` (below)
//   as trusted entries accepts peer.pem — a missing CA that the bundle holds. pool_fixes: the same
//   with every pool.pem certificate (e.g. a trusted intermediate bypassing an expired root). missing: walking up from the leaf through the peer's certificates and the
//   truststore's anchors (issuer name = subject name), the first issuer name found nowhere.
// Writes DIR/bundle-lacking.pem: pool.pem without any certificate whose subject is `missing`;
//   lacking_rejected: Java still rejects the peer with the truststore plus that bundle.
import java.io.*;
import java.nio.file.*;
import java.security.KeyStore;
import java.security.cert.*;
import java.util.*;
import javax.net.ssl.*;
import javax.security.auth.x500.X500Principal;

public final class RepairLoopPrep {
    static final char[] PASS = "changeit".toCharArray();
    static final String[] STORES = {"trust.jks", "trust.jceks", "trust.p12", "trust-openssl.p12"};
    static final CertificateFactory CF;
    static {
        try { CF = CertificateFactory.getInstance("X.509"); } catch (Exception e) { throw new ExceptionInInitializerError(e); }
    }

    public static void main(String[] args) throws Exception {
        for (String d : args) {
            Path dir = Path.of(d);
            Path store = null;
            for (String s : STORES) if (Files.exists(dir.resolve(s))) { store = dir.resolve(s); break; }
            List<X509Certificate> peer = read(dir.resolve("peer.pem")), pool = read(dir.resolve("pool.pem"));
            boolean poolFixes = trusted(store, pool, peer);

            KeyStore ks = KeyStore.getInstance(store.toFile(), PASS);
            List<X509Certificate> anchors = new ArrayList<>();
            for (String a : Collections.list(ks.aliases())) {
                Certificate c = ks.isKeyEntry(a) ? (ks.getCertificateChain(a) == null ? null : ks.getCertificateChain(a)[0])
                                                 : ks.getCertificate(a);
                if (c != null) anchors.add((X509Certificate) c);
            }
            X500Principal missing = null;
            X509Certificate c = peer.get(0);
            Set<X509Certificate> seen = new HashSet<>();
            while (seen.add(c)) {
                X500Principal want = c.getIssuerX500Principal();
                if (c.getSubjectX500Principal().equals(want)) break;           // self-signed: top
                if (has(anchors, want)) break;                                  // an anchor names it
                X509Certificate next = null;
                for (X509Certificate p : peer) if (p.getSubjectX500Principal().equals(want)) { next = p; break; }
                if (next == null) { missing = want; break; }
                c = next;
            }
            List<X509Certificate> lacking = new ArrayList<>();
            for (X509Certificate p : pool) if (missing == null || !p.getSubjectX500Principal().equals(missing)) lacking.add(p);
            writePem(dir.resolve("bundle-lacking.pem"), lacking);
            // an empty bundle is not a source (ksdoctor refuses an empty --from file with exit 2)
            boolean lackingRejected = missing != null && !lacking.isEmpty() && !trusted(store, lacking, peer);
            List<X509Certificate> holding = new ArrayList<>();
            for (X509Certificate p : pool) if (missing != null && p.getSubjectX500Principal().equals(missing)) holding.add(p);
            boolean fixable = !holding.isEmpty() && trusted(store, holding, peer);
            String dn = missing == null ? "" : missing.getName(X500Principal.RFC2253);
            String cn = "";
            for (String part : dn.split(",")) if (part.startsWith("CN=")) { cn = part.substring(3); break; }
            System.out.println("{\"dir\":" + json(d) + ",\"fixable\":" + fixable + ",\"pool_fixes\":" + poolFixes + ",\"missing\":" + json(dn)
                    + ",\"missing_cn\":" + json(cn) + ",\"lacking_rejected\":" + lackingRejected + "}");
        }
    }

    static boolean has(List<X509Certificate> certs, X500Principal subject) {
        for (X509Certificate c : certs) if (c.getSubjectX500Principal().equals(subject)) return true;
        return false;
    }

    static boolean trusted(Path store, List<X509Certificate> extra, List<X509Certificate> peer) throws Exception {
        KeyStore ks = KeyStore.getInstance(store.toFile(), PASS);
        int i = 0;
        for (X509Certificate c : extra) ks.setCertificateEntry("zz-extra-" + (i++), c);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(ks);
        for (TrustManager t : tmf.getTrustManagers()) {
            if (t instanceof X509ExtendedTrustManager) {
                try {
                    ((X509ExtendedTrustManager) t).checkServerTrusted(peer.toArray(new X509Certificate[0]), "UNKNOWN");
                    return true;
                } catch (CertificateException | RuntimeException e) {
                    return false;
                }
            }
        }
        throw new IllegalStateException("no X509ExtendedTrustManager");
    }

    static List<X509Certificate> read(Path p) throws Exception {
        try (InputStream in = Files.newInputStream(p)) {
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : CF.generateCertificates(in)) out.add((X509Certificate) c);
            return out;
        }
    }

    static void writePem(Path file, List<X509Certificate> certs) throws Exception { TestText.writePem(file, certs); }

    static String json(String s) { return TestText.json(s); }
}
