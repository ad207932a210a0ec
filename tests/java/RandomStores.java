// RandomStores — a seeded generator of PKCS#12 keystores for the randomized oracle test.
//
//   java -cp DIR RandomStores SEED COUNT PKI_DIR OUT_DIR > OUT_DIR/manifest.tsv
//
// Each store is a random mix of key entries (with full, partial, leaf-only or reordered chains),
// trusted certificates, loose chain certificates, present or missing friendlyName/localKeyID,
// mixed-case and duplicate aliases — written three ways: by Java's own PKCS12 KeyStore (default or
// legacy protection), bag by bag with fixtures/java/P12Tool (what other tools write), and by the
// openssl command line. The manifest has the fixtures/manifest.tsv columns. Java is the oracle
// for what each store means; this program only makes them.

import java.io.*;
import java.nio.file.*;
import java.security.*;
import java.security.cert.*;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.*;

public final class RandomStores {
    static final String PASS = "changeit";
    static final String[] LEAVES = {"server", "server-md5", "server-sha1"};
    static final String[] CAS = {"root-ca", "intermediate-ca", "other-root-ca"};

    public static void main(String[] args) throws Exception {
        long seed = Long.parseLong(args[0]);
        int count = Integer.parseInt(args[1]);
        Path pki = Path.of(args[2]);
        Path out = Path.of(args[3]);
        Files.createDirectories(out);
        Random rnd = new Random(seed);
        for (int i = 0; i < count; i++) {
            Path file = out.resolve(String.format("random-%03d.p12", i));
            String how;
            switch (i % 3) {
                case 0: how = viaKeyStore(rnd, pki, file); break;
                case 1: how = viaP12Tool(rnd, pki, file); break;
                default: how = viaOpenssl(rnd, pki, file); break;
            }
            System.out.println(file + "\tPKCS12\t" + PASS + "\t" + PASS + "\t" + how);
        }
    }

    static X509Certificate cert(Path pki, String name) throws Exception {
        try (InputStream in = Files.newInputStream(pki.resolve(name + ".crt.pem"))) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    static PrivateKey key(Path pki, String name) throws Exception {
        String pem = Files.readString(pki.resolve(name + ".key.pem"));
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
    }

    static String alias(Random rnd) {
        String[] stems = {"mail", "Server", "root", "CA", "mta", "Tls", "x", "dup"};
        String a = stems[rnd.nextInt(stems.length)] + (rnd.nextBoolean() ? "-" + rnd.nextInt(4) : "");
        return rnd.nextInt(5) == 0 ? a.toUpperCase(Locale.ROOT) : a;
    }

    /** A key entry's chain: the leaf, then a random shape of its issuers. */
    static List<String> chainFor(Random rnd, String leaf) {
        List<String> chain = new ArrayList<>(List.of(leaf));
        switch (rnd.nextInt(5)) {
            case 0: break;                                                   // leaf only
            case 1: chain.add("intermediate-ca"); break;                     // no root
            case 2: chain.add("intermediate-ca"); chain.add("root-ca"); break;
            case 3: chain.add("root-ca"); chain.add("intermediate-ca"); break; // out of order
            default: chain.add("other-root-ca"); break;                      // wrong issuer
        }
        return chain;
    }

    static String viaKeyStore(Random rnd, Path pki, Path file) throws Exception {
        boolean legacy = rnd.nextInt(3) == 0;
        if (legacy) System.setProperty("keystore.pkcs12.legacy", "");
        else System.clearProperty("keystore.pkcs12.legacy");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        StringBuilder how = new StringBuilder("java" + (legacy ? "-legacy" : "") + ":");
        int keys = rnd.nextInt(3);
        for (int k = 0; k < keys; k++) {
            String leaf = LEAVES[rnd.nextInt(LEAVES.length)];
            // Java's own setKeyEntry insists on a chain in issuer order.
            List<String> names = new ArrayList<>(List.of(leaf, "intermediate-ca", "root-ca"))
                    .subList(0, 1 + rnd.nextInt(3));
            X509Certificate[] chain = new X509Certificate[names.size()];
            for (int c = 0; c < chain.length; c++) chain[c] = cert(pki, names.get(c));
            String a = alias(rnd);
            ks.setKeyEntry(a, key(pki, leaf), PASS.toCharArray(), chain);
            how.append(" key ").append(a).append('=').append(names);
        }
        int trusted = rnd.nextInt(4);
        for (int t = 0; t < trusted; t++) {
            String ca = CAS[rnd.nextInt(CAS.length)];
            String a = alias(rnd);
            if (ks.isKeyEntry(a)) continue;  // Java refuses to overwrite a key entry with a cert
            ks.setCertificateEntry(a, cert(pki, ca));
            how.append(" trusted ").append(a).append('=').append(ca);
        }
        try (OutputStream o = Files.newOutputStream(file)) {
            ks.store(o, PASS.toCharArray());
        }
        return how.toString();
    }

    static String viaP12Tool(Random rnd, Path pki, Path file) throws Exception {
        List<String> a = new ArrayList<>(List.of(file.toString(), PASS));
        StringBuilder how = new StringBuilder("p12tool:");
        if (rnd.nextInt(4) == 0) { a.add("--cert-pbe"); a.add("PBEWithSHA1AndRC2_40"); }
        if (rnd.nextInt(4) == 0) { a.add("--key-pbe"); a.add("PBEWithSHA1AndDESede"); }
        if (rnd.nextInt(4) == 0) { a.add("--mac"); a.add("HmacPBESHA1"); }
        int keys = rnd.nextInt(3);
        List<String[]> certBags = new ArrayList<>();  // {name, lkid-or-null, trusted}
        a.add("--plain-safe");
        for (int k = 0; k < keys; k++) {
            String leaf = LEAVES[rnd.nextInt(LEAVES.length)];
            String lkid = String.format("%02x%02x", k + 1, rnd.nextInt(256));
            String name = alias(rnd);
            a.add("--key"); a.add(pki.resolve(leaf + ".key.pem").toString());
            boolean withName = rnd.nextInt(4) != 0, withId = rnd.nextInt(4) != 0;
            if (withName) { a.add("--name"); a.add(name); }
            if (withId) { a.add("--lkid"); a.add(lkid); }
            how.append(" key ").append(withName ? name : "-").append('/').append(withId ? lkid : "-");
            for (String c : chainFor(rnd, leaf)) {
                boolean isLeaf = c.equals(leaf);
                certBags.add(new String[] {c, isLeaf && withId ? lkid : null,
                        isLeaf && withName && rnd.nextBoolean() ? name : null,
                        !isLeaf && rnd.nextInt(3) == 0 ? "t" : null});
            }
        }
        for (int t = rnd.nextInt(4); t > 0; t--) {
            certBags.add(new String[] {CAS[rnd.nextInt(CAS.length)], null,
                    rnd.nextInt(3) != 0 ? alias(rnd) : null, rnd.nextInt(4) != 0 ? "t" : null});
        }
        Collections.shuffle(certBags, rnd);
        a.add(rnd.nextBoolean() ? "--encrypted-safe" : "--plain-safe");
        for (String[] b : certBags) {
            a.add("--cert"); a.add(pki.resolve(b[0] + ".crt.pem").toString());
            if (b[2] != null) { a.add("--name"); a.add(b[2]); }
            if (b[1] != null) { a.add("--lkid"); a.add(b[1]); }
            if (b[3] != null) a.add("--trusted");
            how.append(" cert ").append(b[0]).append(b[3] != null ? "(trusted)" : "");
        }
        P12Tool.main(a.toArray(new String[0]));
        return how.toString();
    }

    static String viaOpenssl(Random rnd, Path pki, Path file) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl", "pkcs12", "-export", "-out", file.toString(),
                "-passout", "pass:" + PASS));
        StringBuilder how = new StringBuilder("openssl:");
        String leaf = LEAVES[rnd.nextInt(LEAVES.length)];
        boolean noKeys = rnd.nextInt(4) == 0;
        if (noKeys) {
            cmd.add("-nokeys");
            how.append(" nokeys");
        } else {
            cmd.add("-inkey"); cmd.add(pki.resolve(leaf + ".key.pem").toString());
        }
        cmd.add("-in"); cmd.add(pki.resolve((noKeys ? CAS[rnd.nextInt(CAS.length)] : leaf) + ".crt.pem").toString());
        int extra = rnd.nextInt(3);
        for (int e = 0; e < extra; e++) {
            cmd.add("-certfile"); cmd.add(pki.resolve(CAS[rnd.nextInt(CAS.length)] + ".crt.pem").toString());
        }
        if (rnd.nextBoolean()) { String n = alias(rnd); cmd.add("-name"); cmd.add(n); how.append(" name ").append(n); }
        if (rnd.nextInt(3) == 0) { cmd.add("-legacy"); how.append(" legacy"); }
        how.append(" leaf ").append(leaf).append(" extra ").append(extra);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IOException("openssl failed: " + output);
        return how.toString();
    }
}
