// BksGen — a seeded generator of BouncyCastle keystores for the BKS oracle test (tests/bks).
//
//   java -cp DIR:/usr/share/java/bcprov.jar BksGen SEED COUNT PKI_DIR OUT_DIR > OUT_DIR/manifest.tsv
//
// Store i is made three ways in turn: by KeyStore.getInstance("BKS", "BC") (version 2), by
// KeyStore.getInstance("UBER", "BC"), and byte by byte (BKS version 0, 1 or 2, with what the
// KeyStore API cannot make: key entries stored in the clear, an alias recorded twice). Entries are
// a random mix of trusted certificates, private keys with full or leaf-only chains, AES/HMAC
// secret keys, opaque stored bytes with or without a chain; aliases come with case variants
// (BouncyCastle keeps them apart). Manifest lines: PATH<TAB>TYPE<TAB>STOREPASS<TAB>KEYPASS.
// BouncyCastle (BksDump) is the oracle for what each store means; this program only makes them.
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.security.*;
import java.security.cert.*;
import java.security.cert.Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.*;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.PBEParametersGenerator;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.generators.PKCS12ParametersGenerator;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

public final class BksGen {
    static final String[] PASSWORDS = {"changeit", "changeit", "p\u00e4ssw\u00f6rd", "s3cret!"};
    static Path pki;

    public static void main(String[] args) throws Exception {
        Security.addProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
        long seed = Long.parseLong(args[0]);
        int count = Integer.parseInt(args[1]);
        pki = Path.of(args[2]);
        Path out = Path.of(args[3]);
        Files.createDirectories(out);
        Random rnd = new Random(seed);
        for (int i = 0; i < count; i++) {
            String storepass = PASSWORDS[rnd.nextInt(PASSWORDS.length)];
            String keypass = rnd.nextInt(4) == 0 ? "keypass" : storepass;
            String type = i % 3 == 1 ? "UBER" : "BKS";
            Path file = out.resolve(String.format("random-%03d.%s", i, type.toLowerCase(Locale.ROOT)));
            byte[] bytes = i % 3 == 2 ? byHand(rnd, storepass, keypass) : viaKeyStore(rnd, type, storepass, keypass);
            Files.write(file, bytes);
            System.out.println(file + "\t" + type + "\t" + storepass + "\t" + keypass);
        }
    }

    static X509Certificate cert(String name) throws Exception {
        try (InputStream in = Files.newInputStream(pki.resolve(name + ".crt.pem"))) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    static PrivateKey key(String name) throws Exception {
        String pem = Files.readString(pki.resolve(name + ".key.pem"));
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
    }

    static String alias(Random rnd) {
        String[] stems = {"mail", "Mail", "MAIL", "server", "root", "CA", "tls", "\u00e9t\u00e9", "dup"};
        return stems[rnd.nextInt(stems.length)] + (rnd.nextBoolean() ? "-" + rnd.nextInt(3) : "");
    }

    static Certificate[] chain(Random rnd) throws Exception {
        String leaf = new String[] {"server", "server-sha1", "server-md5"}[rnd.nextInt(3)];
        if (rnd.nextBoolean()) return new Certificate[] {cert(leaf)};
        return new Certificate[] {cert(leaf), cert("intermediate-ca"), cert("root-ca")};
    }

    static String leafOf(Certificate[] chain) throws Exception {
        for (String n : new String[] {"server", "server-sha1", "server-md5"}) {
            if (cert(n).equals(chain[0])) return n;
        }
        throw new IllegalStateException();
    }

    static byte[] random(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    static byte[] viaKeyStore(Random rnd, String type, String storepass, String keypass) throws Exception {
        KeyStore ks = KeyStore.getInstance(type, "BC");
        ks.load(null, null);
        int n = rnd.nextInt(8);
        for (int e = 0; e < n; e++) {
            String a = alias(rnd);
            try {
                switch (rnd.nextInt(4)) {
                    case 0:
                        ks.setCertificateEntry(a, cert(new String[] {"root-ca", "intermediate-ca", "other-root-ca", "server"}[rnd.nextInt(4)]));
                        break;
                    case 1: {
                        Certificate[] c = chain(rnd);
                        ks.setKeyEntry(a, key(leafOf(c)), keypass.toCharArray(), c);
                        break;
                    }
                    case 2:
                        ks.setKeyEntry(a, new SecretKeySpec(random(rnd, 16 + 16 * rnd.nextInt(2)), rnd.nextBoolean() ? "AES" : "HmacSHA256"),
                                       keypass.toCharArray(), null);
                        break;
                    default:
                        ks.setKeyEntry(a, random(rnd, 1 + rnd.nextInt(40)), rnd.nextBoolean() ? chain(rnd) : null);
                }
            } catch (KeyStoreException refused) {
                // a certificate over a key entry: BouncyCastle refuses, the store stays as it was
            }
        }
        ByteArrayOutputStream bOut = new ByteArrayOutputStream();
        ks.store(bOut, storepass.toCharArray());
        return bOut.toByteArray();
    }

    // BcKeyStoreSpi's layout written directly: what its API cannot produce.
    static byte[] byHand(Random rnd, String storepass, String keypass) throws Exception {
        int version = rnd.nextInt(3);
        byte[] salt = random(rnd, 20);
        int iterations = 1024 + rnd.nextInt(1024);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(body);
        int n = rnd.nextInt(7);
        String last = null;
        for (int e = 0; e < n; e++) {
            String a = last != null && rnd.nextInt(4) == 0 ? last : alias(rnd);
            last = a;
            int kind = rnd.nextInt(3);
            Certificate[] c = kind == 1 ? chain(rnd) : null;
            d.write(kind == 0 ? 1 : 2);
            d.writeUTF(a);
            d.writeLong(1700000000000L + rnd.nextInt(1 << 30));
            d.writeInt(c == null ? 0 : c.length);
            if (c != null) for (Certificate x : c) writeCert(d, x);
            if (kind == 0) {
                writeCert(d, cert(new String[] {"root-ca", "intermediate-ca", "other-root-ca"}[rnd.nextInt(3)]));
            } else if (kind == 1) {
                byte[] enc = key(leafOf(c)).getEncoded();
                d.write(0);
                d.writeUTF("PKCS#8");
                d.writeUTF("RSA");
                d.writeInt(enc.length);
                d.write(enc);
            } else {
                byte[] enc = random(rnd, 16);
                d.write(2);
                d.writeUTF("RAW");
                d.writeUTF("AES");
                d.writeInt(enc.length);
                d.write(enc);
            }
        }
        d.write(0);
        byte[] entries = body.toByteArray();
        PBEParametersGenerator gen = new PKCS12ParametersGenerator(new SHA1Digest());
        gen.init(PBEParametersGenerator.PKCS12PasswordToBytes(storepass.toCharArray()), salt, iterations);
        HMac mac = new HMac(new SHA1Digest());
        mac.init(gen.generateDerivedMacParameters(version == 2 ? 160 : 20));
        mac.update(entries, 0, entries.length);
        byte[] tag = new byte[20];
        mac.doFinal(tag, 0);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        DataOutputStream o = new DataOutputStream(all);
        o.writeInt(version);
        o.writeInt(salt.length);
        o.write(salt);
        o.writeInt(iterations);
        o.write(entries);
        o.write(tag);
        return all.toByteArray();
    }

    static void writeCert(DataOutputStream d, Certificate c) throws Exception {
        byte[] enc = c.getEncoded();
        d.writeUTF("X.509");
        d.writeInt(enc.length);
        d.write(enc);
    }
}
