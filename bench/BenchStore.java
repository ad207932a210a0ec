// BenchStore — mints the keystores the benchmarks read. Used by bench/compare_keytool.sh, which
// compiles it into build/bench/ and caches what it writes there.
//
//   java BenchStore truststore OUT TYPE STOREPASS COUNT
//       COUNT distinct self-signed CA certificates "bench-ca-00001".. as trusted-certificate entries,
//       written through KeyStore.getInstance(TYPE) (JKS, PKCS12, ...). A mix shaped like a real
//       truststore: 60 % RSA 2048 / SHA256withRSA, 25 % EC P-256 / SHA256withECDSA, 15 % EC P-384 /
//       SHA384withECDSA; six-RDN names; basicConstraints, keyUsage, SKI on all, AKI / CRL DP / AIA on
//       some. Validity relative to 2030-01-01 (the benchmarks' --at): every 50th expired, every 97th
//       SHA1withRSA, every 101st RSA 1024, the rest sound.
//
//   java BenchStore prevent OUT TYPE STOREPASS
//       A store shaped like a DLP Network Prevent prevent.ks: key entry 'smtp' (RSA 2048, store
//       password as key password) whose chain is its leaf only (issued by an intermediate that is not
//       in the store), plus trusted roots 'example-root-ca' and 'mta-root-ca'.
//
// Certificates are DER-encoded by hand and signed with java.security.Signature (no internal JDK
// API); CertificateFactory re-parses each one, so Java accepts every certificate written.

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

public final class BenchStore {
    public static void main(String[] args) throws Exception {
        if (args.length == 5 && args[0].equals("truststore")) {
            truststore(Path.of(args[1]), args[2], args[3].toCharArray(), Integer.parseInt(args[4]));
        } else if (args.length == 4 && args[0].equals("prevent")) {
            prevent(Path.of(args[1]), args[2], args[3].toCharArray());
        } else {
            System.err.println("usage: BenchStore truststore OUT TYPE STOREPASS COUNT");
            System.err.println("       BenchStore prevent OUT TYPE STOREPASS");
            System.exit(2);
        }
    }

    // ------------------------------------------------------------------ stores

    private static final ZonedDateTime AT = ZonedDateTime.of(2030, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

    private static void truststore(Path out, String type, char[] pass, int count) throws Exception {
        KeyPair rsa = rsa(2048), rsa1024 = rsa(1024), p256 = ec("secp256r1"), p384 = ec("secp384r1");
        String[] states = {"California", "Bavaria", "Ontario", "Île-de-France", "Zürich", "Tokyo"};
        String[] orgs = {"Example Trust Services", "Acme Certification Authority", "Global Root Inc.",
                         "Société Générale de Certification", "Nordic Trust AB", "Bench, Ltd."};
        X509Certificate[] certs = new X509Certificate[count];
        IntStream.range(0, count).parallel().forEach(i -> {
            try {
                int n = i + 1;
                Random r = new Random(n);
                KeyPair kp;
                String sig;
                int kind = n % 20;
                if (n % 101 == 0) { kp = rsa1024; sig = "SHA256withRSA"; }
                else if (kind < 12) { kp = rsa; sig = n % 97 == 0 ? "SHA1withRSA" : "SHA256withRSA"; }
                else if (kind < 17) { kp = p256; sig = "SHA256withECDSA"; }
                else { kp = p384; sig = "SHA384withECDSA"; }
                byte[] name = name(new String[][] {
                    {"2.5.4.6", "US"},
                    {"2.5.4.8", states[n % states.length]},
                    {"2.5.4.7", "City " + (n % 37)},
                    {"2.5.4.10", orgs[n % orgs.length]},
                    {"2.5.4.11", "Certification Services Division " + (n % 11)},
                    {"2.5.4.3", String.format("Bench Root CA %05d", n)}});
                ZonedDateTime notBefore = AT.minusYears(5 + r.nextInt(20)).minusDays(r.nextInt(365));
                ZonedDateTime notAfter = n % 50 == 0 ? AT.minusDays(1 + r.nextInt(700))
                                                     : AT.plusYears(2 + r.nextInt(20)).plusDays(r.nextInt(365));
                byte[] ski = sha1(concat(kp.getPublic().getEncoded(), BigInteger.valueOf(n).toByteArray()));
                List<byte[]> exts = new ArrayList<>();
                exts.add(ext("2.5.29.19", true, seq(n % 3 == 0 ? cat(bool(true), integer(BigInteger.ONE)) : bool(true))));
                exts.add(ext("2.5.29.15", true, tlv(0x03, new byte[] {1, 0x06})));
                exts.add(ext("2.5.29.14", false, tlv(0x04, ski)));
                if (n % 3 == 1) exts.add(ext("2.5.29.35", false, seq(tlv(0x80, ski))));
                if (n % 5 == 2) {
                    exts.add(ext("2.5.29.31", false, seq(seq(tlv(0xA0, tlv(0xA0,
                        tlv(0x86, ascii("http://crl.example.com/bench-" + n + ".crl"))))))));
                }
                if (n % 7 == 3) {
                    exts.add(ext("1.3.6.1.5.5.7.1.1", false, seq(seq(cat(oid("1.3.6.1.5.5.7.48.2"),
                        tlv(0x86, ascii("http://ca.example.com/bench-" + n + ".cer")))))));
                }
                BigInteger serial = new BigInteger(127, r).setBit(126);
                certs[i] = certificate(serial, name, name, notBefore, notAfter, kp.getPublic(),
                                       kp.getPrivate(), sig, exts);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        KeyStore ks = KeyStore.getInstance(type);
        ks.load(null, null);
        for (int i = 0; i < count; i++) ks.setCertificateEntry(String.format("bench-ca-%05d", i + 1), certs[i]);
        store(ks, out, pass);
    }

    private static void prevent(Path out, String type, char[] pass) throws Exception {
        ZonedDateTime from = ZonedDateTime.of(2020, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
        KeyPair root = rsa(2048), inter = rsa(2048), leaf = rsa(2048), mta = rsa(2048);
        byte[] rootName = name(new String[][] {{"2.5.4.6", "US"}, {"2.5.4.10", "Example Corp"}, {"2.5.4.3", "Example Root CA"}});
        byte[] interName = name(new String[][] {{"2.5.4.6", "US"}, {"2.5.4.10", "Example Corp"}, {"2.5.4.3", "Example Issuing CA 1"}});
        byte[] leafName = name(new String[][] {{"2.5.4.6", "US"}, {"2.5.4.10", "Example Corp"}, {"2.5.4.3", "mail.example.com"}});
        byte[] mtaName = name(new String[][] {{"2.5.4.6", "US"}, {"2.5.4.10", "Downstream MTA Inc"}, {"2.5.4.3", "Downstream MTA Root CA"}});
        List<byte[]> caExts = List.of(ext("2.5.29.19", true, seq(bool(true))),
                                      ext("2.5.29.15", true, tlv(0x03, new byte[] {1, 0x06})));
        List<byte[]> leafExts = List.of(ext("2.5.29.15", true, tlv(0x03, new byte[] {5, (byte) 0xA0})),
                                        ext("2.5.29.37", false, seq(oid("1.3.6.1.5.5.7.3.1"))));
        X509Certificate rootCert = certificate(BigInteger.valueOf(1), rootName, rootName, from, from.plusYears(50),
                                               root.getPublic(), root.getPrivate(), "SHA256withRSA", caExts);
        X509Certificate leafCert = certificate(BigInteger.valueOf(3), interName, leafName, from, from.plusYears(30),
                                               leaf.getPublic(), inter.getPrivate(), "SHA256withRSA", leafExts);
        X509Certificate mtaCert = certificate(BigInteger.valueOf(4), mtaName, mtaName, from, from.plusYears(50),
                                              mta.getPublic(), mta.getPrivate(), "SHA256withRSA", caExts);
        KeyStore ks = KeyStore.getInstance(type);
        ks.load(null, null);
        ks.setKeyEntry("smtp", leaf.getPrivate(), pass, new java.security.cert.Certificate[] {leafCert});
        ks.setCertificateEntry("example-root-ca", rootCert);
        ks.setCertificateEntry("mta-root-ca", mtaCert);
        store(ks, out, pass);
    }

    private static void store(KeyStore ks, Path out, char[] pass) throws Exception {
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        try (OutputStream os = Files.newOutputStream(tmp)) {
            ks.store(os, pass);
        }
        Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                   java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    // ------------------------------------------------------------------ certificates

    private static KeyPair rsa(int bits) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(bits);
        return g.generateKeyPair();
    }

    private static KeyPair ec(String curve) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(curve));
        return g.generateKeyPair();
    }

    private static byte[] algorithmId(String sig) {
        switch (sig) {
            case "SHA256withRSA": return seq(cat(oid("1.2.840.113549.1.1.11"), new byte[] {5, 0}));
            case "SHA1withRSA": return seq(cat(oid("1.2.840.113549.1.1.5"), new byte[] {5, 0}));
            case "SHA256withECDSA": return seq(oid("1.2.840.10045.4.3.2"));
            case "SHA384withECDSA": return seq(oid("1.2.840.10045.4.3.3"));
            default: throw new IllegalArgumentException(sig);
        }
    }

    private static X509Certificate certificate(BigInteger serial, byte[] issuer, byte[] subject,
                                               ZonedDateTime notBefore, ZonedDateTime notAfter,
                                               PublicKey key, PrivateKey signer, String sig,
                                               List<byte[]> exts) throws Exception {
        byte[] alg = algorithmId(sig);
        byte[] tbs = seq(cat(tlv(0xA0, integer(BigInteger.TWO)), integer(serial), alg, issuer,
                             seq(cat(time(notBefore), time(notAfter))), subject, key.getEncoded(),
                             tlv(0xA3, seq(cat(exts.toArray(new byte[0][]))))));
        Signature s = Signature.getInstance(sig);
        s.initSign(signer);
        s.update(tbs);
        byte[] bits = concat(new byte[] {0}, s.sign());
        byte[] der = seq(cat(tbs, alg, tlv(0x03, bits)));
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        return (X509Certificate) cf.generateCertificate(new java.io.ByteArrayInputStream(der));
    }

    private static byte[] name(String[][] rdns) {
        List<byte[]> sets = new ArrayList<>();
        for (String[] rdn : rdns) {
            boolean printable = rdn[1].chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || " '()+,-./:=?".indexOf(c) >= 0));
            byte[] value = rdn[0].equals("2.5.4.6") || printable
                ? tlv(0x13, rdn[1].getBytes(StandardCharsets.US_ASCII))
                : tlv(0x0C, rdn[1].getBytes(StandardCharsets.UTF_8));
            sets.add(tlv(0x31, seq(cat(oid(rdn[0]), value))));
        }
        return seq(cat(sets.toArray(new byte[0][])));
    }

    private static byte[] ext(String id, boolean critical, byte[] value) {
        return seq(cat(oid(id), critical ? bool(true) : new byte[0], tlv(0x04, value)));
    }

    private static byte[] time(ZonedDateTime t) {
        if (t.getYear() >= 1950 && t.getYear() < 2050) {
            return tlv(0x17, ascii(t.format(DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'"))));
        }
        return tlv(0x18, ascii(t.format(DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'"))));
    }

    // ------------------------------------------------------------------ DER

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(content.length + 6);
        b.write(tag);
        int len = content.length;
        if (len < 0x80) {
            b.write(len);
        } else if (len < 0x100) {
            b.write(0x81);
            b.write(len);
        } else if (len < 0x10000) {
            b.write(0x82);
            b.write(len >> 8);
            b.write(len);
        } else {
            b.write(0x83);
            b.write(len >> 16);
            b.write(len >> 8);
            b.write(len);
        }
        b.writeBytes(content);
        return b.toByteArray();
    }

    private static byte[] seq(byte[] content) { return tlv(0x30, content); }
    private static byte[] bool(boolean v) { return new byte[] {1, 1, (byte) (v ? 0xFF : 0)}; }
    private static byte[] integer(BigInteger v) { return tlv(0x02, v.toByteArray()); }
    private static byte[] ascii(String s) { return s.getBytes(StandardCharsets.US_ASCII); }

    private static byte[] oid(String dotted) {
        String[] arcs = dotted.split("\\.");
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        base128(b, Long.parseLong(arcs[0]) * 40 + Long.parseLong(arcs[1]));
        for (int i = 2; i < arcs.length; i++) base128(b, Long.parseLong(arcs[i]));
        return tlv(0x06, b.toByteArray());
    }

    private static void base128(ByteArrayOutputStream b, long v) {
        int shift = 63 - 7;
        while (shift > 0 && (v >>> shift) == 0) shift -= 7;
        for (; shift > 0; shift -= 7) b.write((int) (0x80 | ((v >>> shift) & 0x7F)));
        b.write((int) (v & 0x7F));
    }

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) b.writeBytes(p);
        return b.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) { return cat(a, b); }

    private static byte[] sha1(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-1").digest(data);
    }
}
