// VerifyBenchPki — mints the inputs of the `ksdoctor verify` benchmark (bench/verify_bench.sh, which
// compiles it into build/bench/verify/classes and caches what it writes in build/bench/verify/).
//
//   javac -XDignore.symbol.file=true --add-exports java.base/sun.security.x509=ALL-UNNAMED \
//         --add-exports java.base/sun.security.util=ALL-UNNAMED -d DIR VerifyBenchPki.java
//   java  --add-exports java.base/sun.security.x509=ALL-UNNAMED \
//         --add-exports java.base/sun.security.util=ALL-UNNAMED -cp DIR VerifyBenchPki OUT_DIR [N ...]
//
// Writes into OUT_DIR (N defaults to 1250 2500 5000):
//   store-N.jks    JKS, password changeit: N private-key entries host-00000 .. host-<N-1>. Every store
//                  holds the first N leaves of the same sequence, so the stores differ only in size.
//   trust/         10 000 single-certificate PEM files: the root (root.pem), the 2 policy CAs
//                  (policy-1.pem, policy-2.pem), the 20 issuing CAs (issuing-00.pem ..) and 9 977
//                  unrelated self-signed CAs (pool-00001.pem ..).
//   manifest.txt   what was written, with the chain shapes per store.
//
// The PKI (all RSA 2048, SHA256withRSA, valid 2020 .. 2045):
//   Bench Verify Root CA
//   ├── Bench Verify Issuing CA 00 .. 11                               leaf → issuing → root
//   └── Bench Verify Policy CA 1
//       ├── Bench Verify Issuing CA 12 .. 16                           leaf → issuing → policy 1 → root
//       └── Bench Verify Policy CA 2
//           └── Bench Verify Issuing CA 17 .. 19                       leaf → issuing → policy 2 → policy 1 → root
//
// Leaf i: CN=host-i.example.com, a distinct serial, SAN dNSName, KU digitalSignature (critical), EKU
// serverAuth, SKI, AKI = its issuer's SKI, valid 2029-06-01 .. 2030-06-30 (the benchmark runs
// --at 2030-01-01), signed by an issuing CA chosen by a seeded Random. Generating thousands of key
// pairs would take minutes, so every leaf certifies the same EC P-256 key, and every key entry's
// private key is that key. The stored chain of entry i, by a second seeded choice:
//   45 %  the whole chain up to and including the root
//   45 %  the chain without the root (the root must come from --trust)
//    5 %  the leaf only (issuing CA and above from --trust)
//    5 %  the leaf and the issuing CA's parents, without the issuing CA (it must come from --trust)
// so about half the entries carry the root, and 10 % lack the issuing CA.
//
// The unrelated pool CAs take their keys from a handful of pairs (4 RSA 2048, 2 EC P-256), each with
// its own subject and SKI (SHA-1 of the key and the index, as bench/BenchStore.java does).
//
// Deterministic: every key pair comes from a SHA1PRNG seeded with a fixed value and the key's name,
// every choice from java.util.Random(SEED), and every signature (ECDSA's too) from a SHA1PRNG seeded
// with the certificate's name, so each run writes the same certificates and PEM files. (JKS salts
// its key protection with the platform's SecureRandom, so the .jks bytes — not their content — differ
// between runs.) Certificates are assembled with the JDK's internal sun.security.x509 classes, as
// tests/java/TrustScenarios.java does, and re-parsed by CertificateFactory.

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Calendar;
import java.util.Date;
import java.util.List;
import java.util.Random;
import java.util.TimeZone;
import java.util.Vector;
import java.util.stream.IntStream;

import sun.security.util.DerOutputStream;
import sun.security.util.DerValue;
import sun.security.util.ObjectIdentifier;
import sun.security.x509.*;

public final class VerifyBenchPki {
    static final long SEED = 0x6b73646f63746f72L; // "ksdoctor"
    static final char[] PASS = "changeit".toCharArray();
    static final int ISSUING = 20, TRUST_FILES = 10_000;
    static final int[] DEFAULT_SIZES = {1250, 2500, 5000};

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: VerifyBenchPki OUT_DIR [N ...]");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        int[] sizes = args.length > 1
            ? Arrays.stream(args, 1, args.length).mapToInt(Integer::parseInt).toArray() : DEFAULT_SIZES;
        int leaves = Arrays.stream(sizes).max().getAsInt();
        long t0 = System.nanoTime();
        new VerifyBenchPki().run(out, sizes, leaves);
        System.out.printf("done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    // ------------------------------------------------------------------ the PKI

    static final class Ca {
        final String slug; final X500Name name; final KeyPair key; final byte[] ski; final Ca parent;
        X509Certificate cert;
        Ca(String slug, String dn, KeyPair key, Ca parent) throws IOException {
            this.slug = slug; this.name = new X500Name(dn); this.key = key; this.parent = parent;
            this.ski = new KeyIdentifier(key.getPublic()).getIdentifier();
        }
        /** This CA and its ancestors, this one first, the root last. */
        List<Ca> upward() {
            List<Ca> l = new ArrayList<>();
            for (Ca c = this; c != null; c = c.parent) l.add(c);
            return l;
        }
    }

    // CertificateFactory makes no promise of thread safety: one per thread.
    private static final ThreadLocal<CertificateFactory> CF = ThreadLocal.withInitial(
        () -> unchecked(() -> CertificateFactory.getInstance("X.509")));

    VerifyBenchPki() throws Exception {}

    void run(Path out, int[] sizes, int leafCount) throws Exception {
        Files.createDirectories(out);
        Path trust = out.resolve("trust");
        if (Files.isDirectory(trust)) {
            try (var old = Files.list(trust)) {
                for (Path p : (Iterable<Path>) old::iterator) Files.delete(p);
            }
        }
        Files.createDirectories(trust);

        // Keys: 23 CA keys, 6 pool keys, 1 leaf key, generated in parallel (RSA 2048 takes a while).
        String[] keyNames = new String[3 + ISSUING + 6 + 1];
        keyNames[0] = "root"; keyNames[1] = "policy-1"; keyNames[2] = "policy-2";
        for (int i = 0; i < ISSUING; i++) keyNames[3 + i] = String.format("issuing-%02d", i);
        for (int i = 0; i < 6; i++) keyNames[3 + ISSUING + i] = (i < 4 ? "pool-rsa-" : "pool-ec-") + i;
        keyNames[keyNames.length - 1] = "leaf-ec";
        KeyPair[] keys = new KeyPair[keyNames.length];
        IntStream.range(0, keys.length).parallel().forEach(i -> keys[i] = unchecked(() ->
            keyNames[i].contains("-ec") ? ec(keyNames[i]) : rsa(keyNames[i])));
        long tKeys = System.nanoTime();

        Ca root = new Ca("root", "CN=Bench Verify Root CA, O=ksdoctor bench, C=US", keys[0], null);
        Ca policy1 = new Ca("policy-1", "CN=Bench Verify Policy CA 1, O=ksdoctor bench, C=US", keys[1], root);
        Ca policy2 = new Ca("policy-2", "CN=Bench Verify Policy CA 2, O=ksdoctor bench, C=US", keys[2], policy1);
        List<Ca> cas = new ArrayList<>(List.of(root, policy1, policy2));
        Ca[] issuing = new Ca[ISSUING];
        for (int i = 0; i < ISSUING; i++) {
            Ca parent = i < 12 ? root : i < 17 ? policy1 : policy2;
            issuing[i] = new Ca(String.format("issuing-%02d", i),
                String.format("CN=Bench Verify Issuing CA %02d, OU=Issuing, O=ksdoctor bench, C=US", i),
                keys[3 + i], parent);
            cas.add(issuing[i]);
        }
        for (Ca c : cas) { // parents come first in the list
            c.cert = caCert(c, c.parent == null ? c : c.parent, utc(2020, 1, 1), utc(2045, 1, 1),
                            c.parent == null ? -1 : c == policy1 ? 2 : c == policy2 ? 1 : 0);
            writePem(trust.resolve(c.slug + ".pem"), c.cert);
        }

        // Unrelated self-signed CAs to fill the trust folder.
        int poolCount = TRUST_FILES - cas.size();
        KeyPair[] poolKeys = Arrays.copyOfRange(keys, 3 + ISSUING, 3 + ISSUING + 6);
        String[] orgs = {"Example Trust Services", "Acme Certification Authority", "Global Root Inc.",
                         "Nordic Trust AB", "Bench, Ltd.", "Pool Certification GmbH"};
        IntStream.rangeClosed(1, poolCount).parallel().forEach(n -> unchecked(() -> {
            KeyPair kp = poolKeys[n % poolKeys.length];
            X500Name name = new X500Name(String.format("CN=Pool Root CA %05d, OU=Division %d, O=%s, C=US",
                n, n % 11, orgs[n % orgs.length].replace(",", "\\,")));
            byte[] ski = sha1(kp.getPublic().getEncoded(), BigInteger.valueOf(n).toByteArray());
            CertificateExtensions exts = new CertificateExtensions();
            exts.set(BasicConstraintsExtension.NAME, new BasicConstraintsExtension(true, true, -1));
            exts.set(KeyUsageExtension.NAME, new KeyUsageExtension(ku(5, 6)));
            exts.set(SubjectKeyIdentifierExtension.NAME, new SubjectKeyIdentifierExtension(ski));
            X509Certificate c = sign(BigInteger.valueOf(0x7000_0000L + n), name, name,
                utc(2015 + n % 5, 1 + n % 12, 1), utc(2040 + n % 10, 1, 1), kp.getPublic(), kp.getPrivate(), exts);
            writePem(trust.resolve(String.format("pool-%05d.pem", n)), c);
            return null;
        }));
        long tTrust = System.nanoTime();

        // Leaves and the shapes of their stored chains: one Random stream, drawn in order.
        Random rnd = new Random(SEED);
        int[] issuerOf = new int[leafCount], shapeOf = new int[leafCount];
        for (int i = 0; i < leafCount; i++) {
            issuerOf[i] = rnd.nextInt(ISSUING);
            int d = rnd.nextInt(20);
            shapeOf[i] = d < 9 ? 0 : d < 18 ? 1 : d < 19 ? 2 : 3;
        }
        KeyPair leafKey = keys[keys.length - 1];
        byte[] leafSki = new KeyIdentifier(leafKey.getPublic()).getIdentifier();
        X509Certificate[] leafCerts = new X509Certificate[leafCount];
        IntStream.range(0, leafCount).parallel().forEach(i -> unchecked(() -> {
            Ca ca = issuing[issuerOf[i]];
            String host = String.format("host-%05d.example.com", i);
            CertificateExtensions exts = new CertificateExtensions();
            exts.set(KeyUsageExtension.NAME, new KeyUsageExtension(ku(0)));
            Vector<ObjectIdentifier> eku = new Vector<>();
            eku.add(ObjectIdentifier.of("1.3.6.1.5.5.7.3.1"));
            exts.set(ExtendedKeyUsageExtension.NAME, new ExtendedKeyUsageExtension(eku));
            GeneralNames san = new GeneralNames();
            san.add(new GeneralName(new DNSName(host)));
            exts.set(SubjectAlternativeNameExtension.NAME, new SubjectAlternativeNameExtension(san));
            exts.set(SubjectKeyIdentifierExtension.NAME, new SubjectKeyIdentifierExtension(leafSki));
            exts.set(AuthorityKeyIdentifierExtension.NAME,
                     new AuthorityKeyIdentifierExtension(new KeyIdentifier(ca.ski), null, null));
            BigInteger serial = BigInteger.valueOf(i + 1).shiftLeft(64)
                .or(new BigInteger(1, sha1(host.getBytes(StandardCharsets.US_ASCII))).shiftRight(96));
            leafCerts[i] = sign(serial, ca.name, new X500Name("CN=" + host + ", O=ksdoctor bench, C=US"),
                utc(2029, 6, 1), utc(2030, 6, 30), leafKey.getPublic(), ca.key.getPrivate(), exts);
            return null;
        }));
        long tLeaves = System.nanoTime();

        StringBuilder manifest = new StringBuilder();
        manifest.append("VerifyBenchPki seed ").append(Long.toHexString(SEED)).append('\n');
        manifest.append("trust/: ").append(cas.size()).append(" PKI CAs + ").append(poolCount)
                .append(" unrelated self-signed CAs = ").append(cas.size() + poolCount).append(" PEM files\n");
        for (int n : sizes) {
            KeyStore ks = KeyStore.getInstance("JKS");
            ks.load(null, null);
            int[] shapes = new int[4];
            int[] depth = new int[6];
            for (int i = 0; i < n; i++) {
                List<Ca> up = issuing[issuerOf[i]].upward();
                List<Certificate> chain = new ArrayList<>();
                chain.add(leafCerts[i]);
                switch (shapeOf[i]) {
                    case 0: for (Ca c : up) chain.add(c.cert); break;
                    case 1: for (Ca c : up.subList(0, up.size() - 1)) chain.add(c.cert); break;
                    case 2: break;
                    default: for (Ca c : up.subList(1, up.size())) chain.add(c.cert); break;
                }
                shapes[shapeOf[i]]++;
                depth[up.size() + 1]++;
                ks.setKeyEntry(String.format("host-%05d", i), leafKey.getPrivate(), PASS,
                               chain.toArray(new Certificate[0]));
            }
            Path file = out.resolve("store-" + n + ".jks");
            Path tmp = out.resolve("store-" + n + ".jks.tmp");
            try (OutputStream os = Files.newOutputStream(tmp)) {
                ks.store(os, PASS);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            manifest.append(String.format("%s: %d key entries (%d bytes); stored chain: %d to the root, %d without"
                + " the root, %d leaf only, %d without the issuing CA; full path length 3/4/5: %d/%d/%d%n",
                file.getFileName(), n, Files.size(file), shapes[0], shapes[1], shapes[2], shapes[3],
                depth[3], depth[4], depth[5]));
        }
        long tStores = System.nanoTime();
        manifest.append(String.format("time: keys %.1f s, trust folder %.1f s, leaves %.1f s, stores %.1f s%n",
            (tKeys - T0) / 1e9, (tTrust - tKeys) / 1e9, (tLeaves - tTrust) / 1e9, (tStores - tLeaves) / 1e9));
        Files.writeString(out.resolve("manifest.txt"), manifest);
        System.out.print(manifest);
        System.out.println("written to " + out);
    }

    static final long T0 = System.nanoTime();

    // ------------------------------------------------------------------ certificates

    X509Certificate caCert(Ca c, Ca issuer, Date from, Date to, int pathLen) throws Exception {
        CertificateExtensions exts = new CertificateExtensions();
        exts.set(BasicConstraintsExtension.NAME, new BasicConstraintsExtension(true, true, pathLen));
        exts.set(KeyUsageExtension.NAME, new KeyUsageExtension(ku(0, 5, 6)));
        exts.set(SubjectKeyIdentifierExtension.NAME, new SubjectKeyIdentifierExtension(c.ski));
        if (issuer != c) {
            exts.set(AuthorityKeyIdentifierExtension.NAME,
                     new AuthorityKeyIdentifierExtension(new KeyIdentifier(issuer.ski), null, null));
        }
        BigInteger serial = new BigInteger(1, sha1(c.slug.getBytes(StandardCharsets.US_ASCII))).shiftRight(32);
        return sign(serial, issuer.name, c.name, from, to, c.key.getPublic(), issuer.key.getPrivate(), exts);
    }

    /** Assembles and signs a v3 certificate; the signature's randomness (ECDSA) is seeded by the subject. */
    X509Certificate sign(BigInteger serial, X500Name issuer, X500Name subject, Date from, Date to,
                         PublicKey key, PrivateKey signer, CertificateExtensions exts) throws Exception {
        String sigAlg = signer.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        AlgorithmId algId = AlgorithmId.get(sigAlg);
        X509CertInfo info = new X509CertInfo();
        info.set(X509CertInfo.VERSION, new CertificateVersion(CertificateVersion.V3));
        info.set(X509CertInfo.SERIAL_NUMBER, new CertificateSerialNumber(serial));
        info.set(X509CertInfo.ALGORITHM_ID, new CertificateAlgorithmId(algId));
        info.set(X509CertInfo.ISSUER, issuer);
        info.set(X509CertInfo.SUBJECT, subject);
        info.set(X509CertInfo.KEY, new CertificateX509Key(key));
        info.set(X509CertInfo.VALIDITY, new CertificateValidity(from, to));
        info.set(X509CertInfo.EXTENSIONS, exts);
        DerOutputStream tbs = new DerOutputStream();
        info.encode(tbs);
        byte[] tbsBytes = tbs.toByteArray();
        Signature s = Signature.getInstance(sigAlg);
        s.initSign(signer, seeded("sig:" + subject));
        s.update(tbsBytes);
        DerOutputStream body = new DerOutputStream();
        body.write(tbsBytes);
        algId.encode(body);
        body.putBitString(s.sign());
        DerOutputStream der = new DerOutputStream();
        der.write(DerValue.tag_Sequence, body);
        return (X509Certificate) CF.get().generateCertificate(new ByteArrayInputStream(der.toByteArray()));
    }

    static void writePem(Path file, X509Certificate c) throws Exception {
        String b64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(c.getEncoded());
        Files.writeString(file, "-----BEGIN CERTIFICATE-----\n" + b64 + "\n-----END CERTIFICATE-----\n",
                          StandardCharsets.US_ASCII);
    }

    static boolean[] ku(int... bits) {
        boolean[] b = new boolean[9];
        for (int i : bits) b[i] = true;
        return b;
    }

    // ------------------------------------------------------------------ keys and randomness

    static SecureRandom seeded(String what) throws Exception {
        SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
        r.setSeed(sha1(BigInteger.valueOf(SEED).toByteArray(), what.getBytes(StandardCharsets.UTF_8)));
        return r;
    }

    static KeyPair rsa(String name) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048, seeded("key:" + name));
        return g.generateKeyPair();
    }

    static KeyPair ec(String name) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), seeded("key:" + name));
        return g.generateKeyPair();
    }

    static byte[] sha1(byte[]... parts) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-1");
        for (byte[] p : parts) md.update(p);
        return md.digest();
    }

    static Date utc(int year, int month, int day) {
        Calendar c = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
        c.clear();
        c.set(year, month - 1, day, 0, 0, 0);
        return c.getTime();
    }

    interface Body<T> { T call() throws Exception; }

    static <T> T unchecked(Body<T> b) {
        try {
            return b.call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}
