// KeyManagerStores — a seeded generator of keystores with several key entries, for asking which
// one a JDK 17 TLS server presents (tests/keymgr, with KeyManagerChoice as the JVM's answer).
//
//   javac --add-exports java.base/sun.security.x509=ALL-UNNAMED --add-exports java.base/sun.security.util=ALL-UNNAMED -d DIR KeyManagerStores.java
//   java  --add-exports java.base/sun.security.x509=ALL-UNNAMED -cp DIR KeyManagerStores SEED COUNT OUT_DIR
//
// Writes OUT_DIR/kNNN.jks and OUT_DIR/kNNN.p12 in turn (store password "changeit"): 2-8 key
// entries, RSA 2048 or EC P-256 (key pairs from a pool of 3 + 3), at least two of one key type,
// each with its own self-signed certificate: valid now, expired or not yet valid; without
// extensions, or with an extendedKeyUsage (serverAuth, clientAuth only) or keyUsage that X509-
// KeyManagerImpl judges (RSA keyEncipherment only, EC without keyAgreement, ...); a few RSA
// certificates signed with MD5withRSA (disabled: PKIX skips them). Aliases are random lower-case
// words (JKS lower-cases them anyway), some with digits, '-', '.', 'é' or CJK. In a sixth of the
// stores one key is protected with another password (SunX509's init fails), and some stores hold
// a trusted certificate entry too. Every choice comes from java.util.Random(SEED).

import java.io.*;
import java.math.BigInteger;
import java.nio.file.*;
import java.security.*;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.*;

import sun.security.util.ObjectIdentifier;
import sun.security.x509.*;

public final class KeyManagerStores {
    static final char[] STOREPASS = "changeit".toCharArray();
    static final long DAY = 86_400_000L;
    static final String[] WORDS = {"mail", "smtp", "prevent", "server", "tomcat", "mykey", "alpha",
        "zeta", "mid", "old", "new", "gateway", "mta", "relay", "dlp", "tls", "cert", "key", "é-clé",
        "服务器", "2019", "2024", "renewed", "backup"};
    static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    static long serial = 1;

    public static void main(String[] args) throws Exception {
        Random rnd = new Random(Long.parseLong(args[0]));
        int count = Integer.parseInt(args[1]);
        Path out = Paths.get(args[2]);
        Files.createDirectories(out);
        List<KeyPair> rsa = new ArrayList<>(), ec = new ArrayList<>();
        KeyPairGenerator rg = KeyPairGenerator.getInstance("RSA");
        rg.initialize(2048);
        KeyPairGenerator eg = KeyPairGenerator.getInstance("EC");
        eg.initialize(new ECGenParameterSpec("secp256r1"));
        for (int i = 0; i < 3; i++) {
            rsa.add(rg.generateKeyPair());
            ec.add(eg.generateKeyPair());
        }
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        long now = System.currentTimeMillis();
        for (int s = 0; s < count; s++) {
            boolean jks = s % 2 == 0;
            KeyStore ks = KeyStore.getInstance(jks ? "JKS" : "PKCS12");
            ks.load(null, null);
            int n = 2 + rnd.nextInt(7);
            // At least two entries of one key type: the first two share theirs.
            boolean firstRsa = rnd.nextBoolean();
            int otherPassword = rnd.nextInt(6) == 0 ? rnd.nextInt(n) : -1;
            Set<String> used = new HashSet<>();
            for (int e = 0; e < n; e++) {
                boolean isRsa = e < 2 ? firstRsa : rnd.nextInt(5) < 3;
                KeyPair kp = (isRsa ? rsa : ec).get(rnd.nextInt(3));
                String alias;
                do {
                    alias = WORDS[rnd.nextInt(WORDS.length)];
                    if (rnd.nextBoolean()) alias += (rnd.nextBoolean() ? "-" : ".") + WORDS[rnd.nextInt(WORDS.length)];
                    if (rnd.nextInt(3) == 0) alias += rnd.nextInt(100);
                } while (!used.add(alias));
                X509Certificate cert = selfSigned(rnd, cf, kp, isRsa, now, "CN=" + alias.replace(",", ""));
                char[] keypass = e == otherPassword ? "otherpass".toCharArray() : STOREPASS;
                ks.setKeyEntry(alias, kp.getPrivate(), keypass, new Certificate[] {cert});
            }
            if (rnd.nextInt(4) == 0) {
                KeyPair kp = rsa.get(rnd.nextInt(3));
                ks.setCertificateEntry("trusted-ca", selfSigned(rnd, cf, kp, true, now, "CN=trusted"));
            }
            Path file = out.resolve(String.format("k%03d.%s", s, jks ? "jks" : "p12"));
            try (OutputStream o = Files.newOutputStream(file)) {
                ks.store(o, STOREPASS);
            }
        }
    }

    static X509Certificate selfSigned(Random rnd, CertificateFactory cf, KeyPair kp, boolean isRsa,
                                      long now, String dn) throws Exception {
        String alg = !isRsa ? "SHA256withECDSA" : rnd.nextInt(15) == 0 ? "MD5withRSA" : "SHA256withRSA";
        long from, to;
        int validity = rnd.nextInt(20);
        if (validity < 12) {         // valid now
            from = now - (1 + rnd.nextInt(700)) * DAY;
            to = now + (1 + rnd.nextInt(700)) * DAY;
        } else if (validity < 17) {  // expired
            to = now - (1 + rnd.nextInt(700)) * DAY;
            from = to - (30 + rnd.nextInt(700)) * DAY;
        } else {                     // not yet valid
            from = now + (1 + rnd.nextInt(300)) * DAY;
            to = from + (30 + rnd.nextInt(700)) * DAY;
        }
        X509CertInfo info = new X509CertInfo();
        info.set(X509CertInfo.VERSION, new CertificateVersion(CertificateVersion.V3));
        info.set(X509CertInfo.SERIAL_NUMBER, new CertificateSerialNumber(BigInteger.valueOf(serial++)));
        info.set(X509CertInfo.ALGORITHM_ID, new CertificateAlgorithmId(AlgorithmId.get(alg)));
        X500Name subject = new X500Name(dn);
        info.set(X509CertInfo.SUBJECT, subject);
        info.set(X509CertInfo.ISSUER, subject);
        info.set(X509CertInfo.KEY, new CertificateX509Key(kp.getPublic()));
        info.set(X509CertInfo.VALIDITY, new CertificateValidity(new Date(from), new Date(to)));
        CertificateExtensions exts = new CertificateExtensions();
        int ext = rnd.nextInt(10);
        if (ext == 7) {
            exts.set(ExtendedKeyUsageExtension.NAME, new ExtendedKeyUsageExtension(new Vector<>(
                List.of(ObjectIdentifier.of(rnd.nextBoolean() ? SERVER_AUTH : CLIENT_AUTH)))));
        } else if (ext >= 8) {
            boolean[] ku = new boolean[9];
            ku[0] = rnd.nextBoolean();  // digitalSignature
            ku[2] = rnd.nextBoolean();  // keyEncipherment
            ku[4] = rnd.nextBoolean();  // keyAgreement
            ku[5] = !(ku[0] || ku[2] || ku[4]);  // keyCertSign when nothing else
            exts.set(KeyUsageExtension.NAME, new KeyUsageExtension(ku));
        }
        if (ext >= 7) info.set(X509CertInfo.EXTENSIONS, exts);
        X509CertImpl impl = new X509CertImpl(info);
        impl.sign(kp.getPrivate(), alg);
        return (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(impl.getEncoded()));
    }
}
