// RandomKeyStores — a seeded generator of random JKS, JCEKS and PKCS#12 keystores, written with
// the JDK's KeyStore API, for the keytool round trip of `ksdoctor convert` and `ksdoctor repair`
// (tests/roundtrip).
//
//   javac --add-exports java.base/sun.security.x509=ALL-UNNAMED -d DIR RandomKeyStores.java
//   java  --add-exports java.base/sun.security.x509=ALL-UNNAMED -cp DIR RandomKeyStores SEED COUNT OUT_DIR
//
// Writes into OUT_DIR:
//   kNNN.jks | kNNN.jceks | kNNN.p12   COUNT keystores (types in turn), store password "changeit"
//   bundle.pem      every intermediate CA and every root CA of the run's PKIs (what `repair --from` gets)
//   peer.pem        a TLS server's leaf under one of the intermediates, without it (`repair --peer`)
//   manifest.tsv    file, type, storepass, keypass, #private, #trusted, #secret, dates, notes
//
// Contents: 1-4 private key entries (RSA 2048 or EC P-256 from a pool of 3 + 4 key pairs, each
// with a fresh leaf certificate under one of 3 roots, through one of its 2 intermediates or
// directly), whose chain is complete, without root, leaf only (intermediate missing) or — JKS and
// JCEKS only, since PKCS12KeyStore.setKeyEntry refuses a chain whose issuer/subject names do not
// follow — out of order or missing the intermediate; 0-3 trusted certificate entries (roots,
// intermediates, an unrelated self-signed CA); and in a third of the JCEKS/PKCS#12 stores 1-2
// secret keys (AES-128, AES-256, HmacSHA256). Aliases are random: lower and upper case, spaces,
// non-ASCII (é, ß, Cyrillic, CJK). A third of the stores protect their keys with a key password
// other than the store password (the same for every key of the store; in the manifest).
//
// Creation dates: the KeyStore API dates every entry "now", so the file is patched afterwards:
// JKS/JCEKS entries get a random date in 2008-2030 (the 8-byte date after each alias, then the
// keyed SHA-1 trailer is recomputed); in half of the PKCS#12 stores (written with
// keystore.pkcs12.certProtectionAlgorithm=NONE, so the bags are in the clear) every
// localKeyID "Time <ms>" is replaced by a random 13-digit time and the MAC recomputed. The other
// PKCS#12 stores keep the generation time (column "dates" = now). Every store is reloaded and its
// dates checked against what was meant before the program exits 0.
//
// Every choice comes from java.util.Random(SEED); key bytes and ECDSA signatures are not seeded.

import java.io.*;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.security.*;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.*;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import sun.security.x509.*;

public final class RandomKeyStores {
    static final String STOREPASS = "changeit";
    static final long DATE_FROM = 1199145600000L;  // 2008-01-01
    static final long DATE_TO = 1893456000000L;    // 2030-01-01
    static final CertificateFactory CF;
    static {
        try { CF = CertificateFactory.getInstance("X.509"); }
        catch (Exception e) { throw new ExceptionInInitializerError(e); }
    }

    static final class Ca { X509Certificate cert; KeyPair kp; Ca parent; String name; }
    static final List<KeyPair> RSA = new ArrayList<>(), EC = new ArrayList<>();
    static final List<Ca> ROOTS = new ArrayList<>(), INTS = new ArrayList<>();
    static Ca unrelated;
    static int serial = 0;

    public static void main(String[] args) throws Exception {
        long seed = Long.parseLong(args[0]);
        int count = Integer.parseInt(args[1]);
        Path out = Path.of(args[2]);
        Files.createDirectories(out);
        Random rnd = new Random(seed);
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        for (int i = 0; i < 3; i++) RSA.add(rsa.generateKeyPair());
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        for (int i = 0; i < 4; i++) EC.add(ec.generateKeyPair());

        List<X509Certificate> bundle = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            Ca root = ca(rnd, "Roundtrip Root " + (char) ('A' + r), null);
            ROOTS.add(root);
            for (int i = 0; i < 2; i++) {
                Ca in = ca(rnd, "Roundtrip Issuing " + (char) ('A' + r) + (i + 1), root);
                INTS.add(in);
                bundle.add(in.cert);
            }
        }
        for (Ca r : ROOTS) bundle.add(r.cert);
        unrelated = ca(rnd, "Unrelated Root", null);
        Collections.shuffle(bundle, rnd);
        writePem(out.resolve("bundle.pem"), bundle);

        StringBuilder manifest = new StringBuilder(
                "# file\ttype\tstorepass\tkeypass\tprivate\ttrusted\tsecret\tdates\tnotes\n");
        String[] types = {"JKS", "JCEKS", "PKCS12"};
        for (int i = 0; i < count; i++) {
            String type = types[i % 3];
            manifest.append(store(rnd, out, i, type)).append('\n');
        }
        Files.writeString(out.resolve("manifest.tsv"), manifest.toString(), StandardCharsets.UTF_8);
        // The DLP case: a downstream MTA sends its leaf without the intermediate. Drawn last, so
        // the stores above do not depend on it.
        Ca via = INTS.get(rnd.nextInt(INTS.size()));
        X509Certificate peer = cert(rnd, "CN=mta.roundtrip.test,O=ksdoctor roundtrip",
                RSA.get(rnd.nextInt(RSA.size())).getPublic(), via, false);
        writePem(out.resolve("peer.pem"), List.of(peer));
    }

    static final String[] ALIAS_BASES = {"server", "client", "tomcat", "mykey", "Signing-Key",
            "API Gateway", "clé-privée", "straße", "ключ", "密钥", "ALPHA", "Backup.Key", "αβγ",
            "trust-me", "x", "Root_CA_copy"};

    static String store(Random rnd, Path out, int idx, String type) throws Exception {
        String ext = type.equals("JKS") ? "jks" : type.equals("JCEKS") ? "jceks" : "p12";
        String file = String.format("k%03d.%s", idx, ext);
        boolean p12 = type.equals("PKCS12");
        boolean patchP12 = p12 && rnd.nextBoolean();
        String keypass = rnd.nextInt(3) == 0 ? "key-" + Integer.toString(rnd.nextInt(1 << 20), 36) : STOREPASS;
        if (patchP12) System.setProperty("keystore.pkcs12.certProtectionAlgorithm", "NONE");
        else System.clearProperty("keystore.pkcs12.certProtectionAlgorithm");

        KeyStore ks = KeyStore.getInstance(type);
        ks.load(null, null);
        Set<String> used = new HashSet<>();
        List<String> notes = new ArrayList<>();
        int nPriv = 1 + rnd.nextInt(4), nTrust = rnd.nextInt(4);
        int nSecret = !type.equals("JKS") && rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(2) : 0;
        for (int k = 0; k < nPriv; k++) {
            String alias = alias(rnd, used);
            boolean useRsa = rnd.nextBoolean();
            KeyPair kp = useRsa ? RSA.get(rnd.nextInt(RSA.size())) : EC.get(rnd.nextInt(EC.size()));
            boolean direct = rnd.nextInt(6) == 0;
            Ca issuer = direct ? ROOTS.get(rnd.nextInt(ROOTS.size())) : INTS.get(rnd.nextInt(INTS.size()));
            X509Certificate leaf = cert(rnd, "CN=" + file + " leaf " + k + ", O=ksdoctor roundtrip",
                    kp.getPublic(), issuer, false);
            List<X509Certificate> full = new ArrayList<>();
            full.add(leaf);
            for (Ca c = issuer; c != null; c = c.parent) full.add(c.cert);
            String[] modes = p12 ? new String[] {"complete", "no-root", "leaf-only"}
                                 : new String[] {"complete", "no-root", "leaf-only", "reversed", "no-intermediate"};
            String mode = modes[rnd.nextInt(modes.length)];
            List<X509Certificate> chain = new ArrayList<>(full);
            switch (mode) {
                case "no-root": if (chain.size() > 1) chain.remove(chain.size() - 1); break;
                case "leaf-only": chain.subList(1, chain.size()).clear(); break;
                case "reversed": Collections.reverse(chain.subList(1, chain.size())); break;
                case "no-intermediate": if (chain.size() > 2) chain.remove(1); break;
                default: break;
            }
            ks.setKeyEntry(alias, kp.getPrivate(), keypass.toCharArray(), chain.toArray(new Certificate[0]));
            if (p12) Thread.sleep(2);  // distinct "Time <ms>" localKeyIDs: Java links key and cert bags by them
            notes.add("key:" + (useRsa ? "rsa" : "ec") + ":" + mode + ":" + chain.size());
        }
        for (int t = 0; t < nTrust; t++) {
            String alias = alias(rnd, used);
            int pick = rnd.nextInt(5);
            Ca c = pick < 2 ? ROOTS.get(rnd.nextInt(ROOTS.size()))
                 : pick < 4 ? INTS.get(rnd.nextInt(INTS.size())) : unrelated;
            ks.setCertificateEntry(alias, c.cert);
        }
        for (int s = 0; s < nSecret; s++) {
            String alias = alias(rnd, used);
            int pick = rnd.nextInt(3);
            byte[] raw = new byte[pick == 0 ? 16 : 32];
            rnd.nextBytes(raw);
            SecretKey sk = new SecretKeySpec(raw, pick == 2 ? "HmacSHA256" : "AES");
            ks.setEntry(alias, new KeyStore.SecretKeyEntry(sk),
                    new KeyStore.PasswordProtection(keypass.toCharArray()));
            if (p12) Thread.sleep(2);
            notes.add("secret:" + sk.getAlgorithm() + raw.length * 8);
        }
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        ks.store(bo, STOREPASS.toCharArray());
        byte[] bytes = bo.toByteArray();

        // creation dates
        Map<String, Long> want = new HashMap<>();
        String dates = "now";
        if (!p12) {
            bytes = patchJks(rnd, bytes, ks, want);
            dates = "random";
        } else if (patchP12) {
            bytes = patchP12(rnd, bytes, want);
            dates = "random";
        }
        Path path = out.resolve(file);
        Files.write(path, bytes);

        // reload as Java would and check what was meant
        KeyStore back = KeyStore.getInstance(path.toFile(), STOREPASS.toCharArray());
        if (!back.getType().equalsIgnoreCase(type)) throw new IllegalStateException(file + ": type " + back.getType());
        if (back.size() != nPriv + nTrust + nSecret) throw new IllegalStateException(file + ": size " + back.size());
        for (String a : Collections.list(back.aliases())) {
            if (back.isKeyEntry(a) && back.getKey(a, keypass.toCharArray()) == null)
                throw new IllegalStateException(file + ": key " + a);
            Long w = want.get(a);
            if (w == null && !p12) throw new IllegalStateException(file + ": no date patched for " + a);
            if (w != null && back.getCreationDate(a).getTime() != w)
                throw new IllegalStateException(file + ": date of " + a + " is " + back.getCreationDate(a).getTime() + " not " + w);
        }
        if (patchP12 && want.size() != nPriv + nSecret)
            throw new IllegalStateException(file + ": patched " + want.size() + " dates, " + (nPriv + nSecret) + " keys");
        return String.join("\t", file, type, STOREPASS, keypass, "" + nPriv, "" + nTrust, "" + nSecret, dates,
                String.join(",", notes));
    }

    static String alias(Random rnd, Set<String> used) {
        while (true) {
            String a = ALIAS_BASES[rnd.nextInt(ALIAS_BASES.length)];
            if (rnd.nextInt(3) == 0) a = a + "-" + rnd.nextInt(100);
            if (used.add(a.toLowerCase(Locale.ENGLISH))) return a;
        }
    }

    // ---- certificates --------------------------------------------------------------------------
    static Ca ca(Random rnd, String cn, Ca parent) throws Exception {
        Ca c = new Ca();
        c.name = cn;
        c.parent = parent;
        c.kp = rnd.nextBoolean() ? RSA.get(rnd.nextInt(RSA.size())) : EC.get(rnd.nextInt(EC.size()));
        // a CA never shares a key with its issuer: subject+key identify it
        while (parent != null && c.kp == parent.kp)
            c.kp = rnd.nextBoolean() ? RSA.get(rnd.nextInt(RSA.size())) : EC.get(rnd.nextInt(EC.size()));
        c.cert = cert(rnd, "CN=" + cn + ", O=ksdoctor roundtrip", c.kp.getPublic(), parent, true, c.kp);
        return c;
    }

    static X509Certificate cert(Random rnd, String dn, PublicKey key, Ca issuer, boolean isCa) throws Exception {
        return cert(rnd, dn, key, issuer, isCa, null);
    }

    static X509Certificate cert(Random rnd, String dn, PublicKey key, Ca issuer, boolean isCa, KeyPair self)
            throws Exception {
        PrivateKey signer = issuer != null ? issuer.kp.getPrivate() : self.getPrivate();
        PublicKey signerPub = issuer != null ? issuer.kp.getPublic() : self.getPublic();
        String alg = signer.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        X509CertInfo info = new X509CertInfo();
        info.set(X509CertInfo.VERSION, new CertificateVersion(CertificateVersion.V3));
        serial++;
        info.set(X509CertInfo.SERIAL_NUMBER, new CertificateSerialNumber(
                BigInteger.valueOf(0x6000_0000L + serial).shiftLeft(16).or(BigInteger.valueOf(rnd.nextInt(1 << 16)))));
        info.set(X509CertInfo.ALGORITHM_ID, new CertificateAlgorithmId(AlgorithmId.get(alg)));
        X500Name subject = new X500Name(dn);
        info.set(X509CertInfo.SUBJECT, subject);
        info.set(X509CertInfo.ISSUER, issuer == null ? subject : X500Name.asX500Name(issuer.cert.getSubjectX500Principal()));
        info.set(X509CertInfo.KEY, new CertificateX509Key(key));
        info.set(X509CertInfo.VALIDITY, new CertificateValidity(new Date(1577836800000L), new Date(3155760000000L)));
        CertificateExtensions exts = new CertificateExtensions();
        exts.set(BasicConstraintsExtension.NAME, new BasicConstraintsExtension(true, isCa, -1));
        boolean[] ku = new boolean[9];
        if (isCa) { ku[5] = true; ku[6] = true; } else { ku[0] = true; ku[2] = true; }
        exts.set(KeyUsageExtension.NAME, new KeyUsageExtension(ku));
        exts.set(SubjectKeyIdentifierExtension.NAME,
                new SubjectKeyIdentifierExtension(new KeyIdentifier(key).getIdentifier()));
        if (issuer != null) {
            exts.set(AuthorityKeyIdentifierExtension.NAME, new AuthorityKeyIdentifierExtension(
                    new KeyIdentifier(signerPub), null, null));
        }
        info.set(X509CertInfo.EXTENSIONS, exts);
        X509CertImpl impl = new X509CertImpl(info);
        impl.sign(signer, alg);
        return (X509Certificate) CF.generateCertificate(new ByteArrayInputStream(impl.getEncoded()));
    }

    static void writePem(Path file, List<X509Certificate> certs) throws Exception { TestText.writePem(file, certs); }

    // ---- date patching -------------------------------------------------------------------------
    static long randomDate(Random rnd) {
        return DATE_FROM + (long) (rnd.nextDouble() * (DATE_TO - DATE_FROM));
    }

    /** JKS/JCEKS: the 8 bytes after tag + writeUTF(alias) are the date; then the SHA-1 trailer. */
    static byte[] patchJks(Random rnd, byte[] b, KeyStore ks, Map<String, Long> want) throws Exception {
        b = b.clone();
        for (String alias : Collections.list(ks.aliases())) {
            int tag = ks.isCertificateEntry(alias) ? 2 : ks.entryInstanceOf(alias, KeyStore.SecretKeyEntry.class) ? 3 : 1;
            ByteArrayOutputStream p = new ByteArrayOutputStream();
            DataOutputStream d = new DataOutputStream(p);
            d.writeInt(tag);
            d.writeUTF(alias);
            byte[] pat = p.toByteArray();
            int at = -1;
            for (int i = 12; i + pat.length + 8 <= b.length - 20; i++) {
                if (regionEquals(b, i, pat)) {
                    if (at >= 0) throw new IllegalStateException("alias pattern twice: " + alias);
                    at = i + pat.length;
                }
            }
            if (at < 0) throw new IllegalStateException("alias pattern not found: " + alias);
            long date = randomDate(rnd);
            for (int k = 0; k < 8; k++) b[at + k] = (byte) (date >>> (56 - 8 * k));
            want.put(alias, date);
        }
        MessageDigest md = MessageDigest.getInstance("SHA-1");
        for (char c : STOREPASS.toCharArray()) { md.update((byte) (c >> 8)); md.update((byte) c); }
        md.update("Mighty Aphrodite".getBytes(StandardCharsets.UTF_8));
        md.update(b, 0, b.length - 20);
        System.arraycopy(md.digest(), 0, b, b.length - 20, 20);
        return b;
    }

    static boolean regionEquals(byte[] b, int at, byte[] pat) {
        for (int j = 0; j < pat.length; j++) if (b[at + j] != pat[j]) return false;
        return true;
    }

    /** PKCS#12 with cleartext bags: every "Time <13 digits>" localKeyID gets a new time, same length. */
    static byte[] patchP12(Random rnd, byte[] b, Map<String, Long> want) throws Exception {
        b = b.clone();
        // PFX ::= SEQUENCE { version, authSafe ContentInfo, macData }
        int[] pfx = tlv(b, 0);
        int p = pfx[0];
        int[] ver = tlv(b, p); p += ver[0] + ver[1];
        int[] ci = tlv(b, p); int ciEnd = p + ci[0] + ci[1]; int q = p + ci[0];
        int[] oid = tlv(b, q); q += oid[0] + oid[1];
        int[] explicit = tlv(b, q); q += explicit[0];
        int[] octets = tlv(b, q);
        int dataFrom = q + octets[0], dataTo = dataFrom + octets[1];
        int m = ciEnd;
        int[] macData = tlv(b, m); m += macData[0];
        int[] digestInfo = tlv(b, m); int r = m + digestInfo[0]; m += digestInfo[0] + digestInfo[1];
        int[] algId = tlv(b, r); r += algId[0] + algId[1];
        int[] digest = tlv(b, r); int digestAt = r + digest[0];
        int[] salt = tlv(b, m); byte[] saltBytes = Arrays.copyOfRange(b, m + salt[0], m + salt[0] + salt[1]);
        m += salt[0] + salt[1];
        int[] iter = tlv(b, m);
        int iterations = new BigInteger(Arrays.copyOfRange(b, m + iter[0], m + iter[0] + iter[1])).intValue();

        // the localKeyIDs: Java links a key bag and its certificate bag by the same value
        byte[] time = "Time ".getBytes(StandardCharsets.US_ASCII);
        Map<String, Long> replaced = new HashMap<>();
        for (int i = dataFrom; i + time.length + 13 <= dataTo; i++) {
            if (!regionEquals(b, i, time)) continue;
            String old = new String(b, i + 5, 13, StandardCharsets.US_ASCII);
            if (!old.matches("[0-9]{13}")) continue;
            Long neu = replaced.computeIfAbsent(old, k -> randomDate(rnd));
            byte[] digits = Long.toString(neu).getBytes(StandardCharsets.US_ASCII);
            if (digits.length != 13) throw new IllegalStateException("date length");
            System.arraycopy(digits, 0, b, i + 5, 13);
        }
        Mac mac = Mac.getInstance("HmacPBESHA256");
        SecretKey key = SecretKeyFactory.getInstance("PBE").generateSecret(new PBEKeySpec(STOREPASS.toCharArray()));
        mac.init(key, new PBEParameterSpec(saltBytes, iterations));
        mac.update(b, dataFrom, dataTo - dataFrom);
        byte[] d = mac.doFinal();
        if (d.length != digest[1]) throw new IllegalStateException("MAC length " + digest[1]);
        System.arraycopy(d, 0, b, digestAt, d.length);

        // which alias got which date: reload and read them back (checked against `replaced`)
        KeyStore back = KeyStore.getInstance("PKCS12");
        back.load(new ByteArrayInputStream(b), STOREPASS.toCharArray());
        Set<Long> dates = new HashSet<>(replaced.values());
        for (String a : Collections.list(back.aliases())) {
            if (!back.isKeyEntry(a)) continue;
            long t = back.getCreationDate(a).getTime();
            if (!dates.contains(t)) throw new IllegalStateException("key entry " + a + " kept date " + t);
            want.put(a, t);
        }
        return b;
    }

    /** {header length, content length} of the DER TLV at off (definite lengths only). */
    static int[] tlv(byte[] b, int off) {
        int len = b[off + 1] & 0xff, hdr = 2;
        if (len >= 0x80) {
            int n = len & 0x7f;
            len = 0;
            for (int i = 0; i < n; i++) len = (len << 8) | (b[off + 2 + i] & 0xff);
            hdr += n;
        }
        return new int[] {hdr, len};
    }
}
