// TrustScenarios — a seeded generator of random PKIs, peer chains and truststores for the
// randomized differential test of `ksdoctor verify KEYSTORE --peer CHAIN.pem` against a JVM.
//
//   javac --add-exports java.base/sun.security.x509=ALL-UNNAMED \
//         --add-exports java.base/sun.security.util=ALL-UNNAMED -d DIR TrustScenarios.java
//   java  --add-exports java.base/sun.security.x509=ALL-UNNAMED \
//         --add-exports java.base/sun.security.util=ALL-UNNAMED -cp DIR TrustScenarios SEED COUNT OUT_DIR
//
// Writes OUT_DIR/sNNN/ for NNN = 000 .. COUNT-1:
//   peer.pem       the chain the server presents (leaf first, then a random subset of issuers)
//   pool.pem       every CA certificate of the scenario (roots, intermediates, cross certs, unrelated roots)
//   trust.jks | trust.jceks | trust.p12 | trust-openssl.p12   exactly one truststore, password changeit
//   scenario.txt   one line per certificate (role, knobs, sha256) + the peer order and the store content
//
// Every choice comes from java.util.Random(SEED) (one stream for the whole run, consumed in a fixed
// order), so the same SEED gives the same scenarios. Keys come from a small pool generated once per
// run: the key *bytes* differ between runs, but which pool key a certificate gets does not, and no
// outcome depends on the key bytes. Certificates are built with the JDK's internal sun.security.x509
// classes so that every field and extension is exactly what the scenario says. All "normal" validity
// periods are 2020-01-01 .. 2070-01-01; expired means 2000 .. 2001, not-yet-valid 2090 .. 2095, so
// outcomes do not depend on today's date. Java is the oracle (JavaVerdict); this program only makes
// the inputs.

import java.io.*;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.security.*;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.*;

import sun.security.util.ObjectIdentifier;
import sun.security.x509.*;

public final class TrustScenarios {
    static final String PASS = "changeit";
    static final Date NORMAL_FROM = utc(2020), NORMAL_TO = utc(2070);
    static final Date EXPIRED_FROM = utc(2000), EXPIRED_TO = utc(2001);
    static final Date FUTURE_FROM = utc(2090), FUTURE_TO = utc(2095);
    static final String EKU_SERVER = "1.3.6.1.5.5.7.3.1", EKU_CLIENT = "1.3.6.1.5.5.7.3.2",
            EKU_ANY = "2.5.29.37.0", EKU_EMAIL = "1.3.6.1.5.5.7.3.4";

    // ---- key pool -----------------------------------------------------------------------------
    static final class PoolKey {
        final String id; final KeyPair kp; final boolean rsa; final int bits;
        PoolKey(String id, KeyPair kp, boolean rsa, int bits) { this.id = id; this.kp = kp; this.rsa = rsa; this.bits = bits; }
    }
    static final List<PoolKey> EC = new ArrayList<>(), RSA = new ArrayList<>();
    static PoolKey RSA512;

    static void makePool() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        for (int i = 0; i < 14; i++) EC.add(new PoolKey("ec256#" + i, ec.generateKeyPair(), false, 256));
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        for (int i = 0; i < 6; i++) RSA.add(new PoolKey("rsa2048#" + i, rsa.generateKeyPair(), true, 2048));
        KeyPairGenerator small = KeyPairGenerator.getInstance("RSA");
        small.initialize(512);
        RSA512 = new PoolKey("rsa512", small.generateKeyPair(), true, 512);
        // EC P-192 (secp192r1) is not offered by JDK 17's SunEC (legacy curves were removed in 16),
        // so the "EC < 224" rule of jdk.certpath.disabledAlgorithms cannot be exercised here.
    }

    /** Keys handed out within one scenario, without replacement (only cross certs share a key). */
    static final class KeyBag {
        final Deque<PoolKey> ec, rsa; boolean smallUsed;
        KeyBag(Random rnd) {
            List<PoolKey> e = new ArrayList<>(EC), r = new ArrayList<>(RSA);
            Collections.shuffle(e, rnd); Collections.shuffle(r, rnd);
            ec = new ArrayDeque<>(e); rsa = new ArrayDeque<>(r);
        }
        PoolKey take(boolean wantRsa) {
            if (wantRsa && !rsa.isEmpty()) return rsa.pop();
            if (!ec.isEmpty()) return ec.pop();
            return rsa.pop();
        }
    }

    // ---- certificates -------------------------------------------------------------------------
    static final class Cert {
        String role, slug, dn; PoolKey key; X509Certificate x509; final List<String> knobs = new ArrayList<>();
        boolean isCa;
        byte[] skiBytes;                   // the SKI this cert declares, or null if it has none
        byte[] akiForChildren() throws Exception { // what a correct child AKI says
            return skiBytes != null ? skiBytes : new KeyIdentifier(key.kp.getPublic()).getIdentifier();
        }
    }

    /** What to put into one certificate. */
    static final class Spec {
        String role, slug, dn; PoolKey key;
        Cert issuer;                       // null = self-signed
        boolean v1;
        Date from = NORMAL_FROM, to = NORMAL_TO;
        String sigAlg;                     // null = default for the issuer key
        // extensions: null means "absent"
        Boolean bcCa = null; boolean bcCritical = true; int pathLen = -1;
        boolean[] ku = null;
        List<String> eku = null;
        String ski = "ok";                 // ok | absent | random
        String aki = "ok";                 // ok | absent | wrong
        boolean aia = true;
        final List<String> knobs = new ArrayList<>();
    }

    static int serialCounter = 0;
    static final java.security.cert.CertificateFactory CF;
    static {
        try { CF = java.security.cert.CertificateFactory.getInstance("X.509"); }
        catch (Exception e) { throw new ExceptionInInitializerError(e); }
    }

    static Cert build(Random rnd, Spec s) throws Exception {
        boolean selfSigned = s.issuer == null;
        PoolKey signer = selfSigned ? s.key : s.issuer.key;
        String sigAlg = s.sigAlg != null ? s.sigAlg : (signer.rsa ? "SHA256withRSA" : "SHA256withECDSA");

        byte[] skiBytes = null;
        X509CertInfo info = new X509CertInfo();
        info.set(X509CertInfo.VERSION, new CertificateVersion(s.v1 ? CertificateVersion.V1 : CertificateVersion.V3));
        serialCounter++;
        BigInteger serial = BigInteger.valueOf(0x5000_0000L + serialCounter).shiftLeft(16)
                .or(BigInteger.valueOf(rnd.nextInt(1 << 16)));
        info.set(X509CertInfo.SERIAL_NUMBER, new CertificateSerialNumber(serial));
        info.set(X509CertInfo.ALGORITHM_ID, new CertificateAlgorithmId(AlgorithmId.get(sigAlg)));
        X500Name subject = new X500Name(s.dn);
        info.set(X509CertInfo.SUBJECT, subject);
        info.set(X509CertInfo.ISSUER, selfSigned ? subject
                : X500Name.asX500Name(s.issuer.x509.getSubjectX500Principal()));
        info.set(X509CertInfo.KEY, new CertificateX509Key(s.key.kp.getPublic()));
        info.set(X509CertInfo.VALIDITY, new CertificateValidity(s.from, s.to));

        if (!s.v1) {
            CertificateExtensions exts = new CertificateExtensions();
            if (s.bcCa != null) {
                BasicConstraintsExtension bc = new BasicConstraintsExtension(s.bcCritical, s.bcCa, s.pathLen);
                exts.set(BasicConstraintsExtension.NAME, bc);
            }
            if (s.ku != null) exts.set(KeyUsageExtension.NAME, new KeyUsageExtension(s.ku));
            if (s.eku != null) {
                Vector<ObjectIdentifier> v = new Vector<>();
                for (String o : s.eku) v.add(ObjectIdentifier.of(o));
                exts.set(ExtendedKeyUsageExtension.NAME, new ExtendedKeyUsageExtension(v));
            }
            switch (s.ski) {
                case "ok": skiBytes = new KeyIdentifier(s.key.kp.getPublic()).getIdentifier(); break;
                case "random": skiBytes = randomBytes(rnd, 20); break;
                default: break;
            }
            if (skiBytes != null)
                exts.set(SubjectKeyIdentifierExtension.NAME, new SubjectKeyIdentifierExtension(skiBytes));
            if (!selfSigned) {
                switch (s.aki) {
                    case "ok": exts.set(AuthorityKeyIdentifierExtension.NAME, new AuthorityKeyIdentifierExtension(
                            new KeyIdentifier(s.issuer.akiForChildren()), null, null)); break;
                    case "wrong": exts.set(AuthorityKeyIdentifierExtension.NAME, new AuthorityKeyIdentifierExtension(
                            new KeyIdentifier(randomBytes(rnd, 20)), null, null)); break;
                    default: break;
                }
                if (s.aia) {
                    List<AccessDescription> ads = new ArrayList<>();
                    ads.add(new AccessDescription(AccessDescription.Ad_CAISSUERS_Id,
                            new GeneralName(new URIName("http://pki.test/" + s.issuer.slug + ".crt"))));
                    exts.set(AuthorityInfoAccessExtension.NAME, new AuthorityInfoAccessExtension(ads));
                }
            }
            info.set(X509CertInfo.EXTENSIONS, exts);
        }
        X509CertImpl impl = new X509CertImpl(info);
        impl.sign(signer.kp.getPrivate(), sigAlg);

        Cert c = new Cert();
        c.role = s.role; c.slug = s.slug; c.dn = s.dn; c.key = s.key;
        // re-parse: the freshly signed X509CertImpl still carries the in-memory extension objects
        // (e.g. getBasicConstraints() returns -1 for "cA=true, no pathLen"), the parsed one does not
        c.x509 = (X509Certificate) CF.generateCertificate(new ByteArrayInputStream(impl.getEncoded()));
        c.isCa = s.v1 || Boolean.TRUE.equals(s.bcCa);
        c.skiBytes = skiBytes;
        c.knobs.add("v" + (s.v1 ? 1 : 3));
        c.knobs.add("key=" + s.key.id);
        c.knobs.add("sig=" + sigAlg);
        c.knobs.add("issuer=" + (selfSigned ? "self" : s.issuer.slug));
        c.knobs.add("validity=" + (s.from == NORMAL_FROM ? "normal" : s.from == EXPIRED_FROM ? "expired" : "future"));
        if (!s.v1) {
            c.knobs.add("bc=" + (s.bcCa == null ? "absent" : (s.bcCa ? "ca" : "notca")
                    + (s.pathLen >= 0 ? ",pathLen=" + s.pathLen : "") + (s.bcCritical ? ",critical" : "")));
            c.knobs.add("ku=" + (s.ku == null ? "absent" : kuString(s.ku)));
            c.knobs.add("eku=" + (s.eku == null ? "absent" : String.join(",", ekuNames(s.eku))));
            c.knobs.add("ski=" + s.ski);
            if (!selfSigned) c.knobs.add("aki=" + s.aki);
        }
        c.knobs.addAll(s.knobs);
        return c;
    }

    static byte[] randomBytes(Random rnd, int n) { byte[] b = new byte[n]; rnd.nextBytes(b); return b; }

    static final String[] KU_NAMES = {"digitalSignature", "nonRepudiation", "keyEncipherment", "dataEncipherment",
            "keyAgreement", "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly"};
    static String kuString(boolean[] ku) {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < ku.length; i++) if (ku[i]) l.add(KU_NAMES[i]);
        return l.isEmpty() ? "empty" : String.join("+", l);
    }
    static List<String> ekuNames(List<String> oids) {
        List<String> l = new ArrayList<>();
        for (String o : oids) l.add(o.equals(EKU_SERVER) ? "serverAuth" : o.equals(EKU_CLIENT) ? "clientAuth"
                : o.equals(EKU_ANY) ? "any" : o.equals(EKU_EMAIL) ? "emailProtection" : o);
        return l;
    }
    static boolean[] ku(int... bits) { boolean[] b = new boolean[9]; for (int i : bits) b[i] = true; return b; }

    static Date utc(int year) {
        Calendar c = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
        c.clear(); c.set(year, Calendar.JANUARY, 1, 0, 0, 0);
        return c.getTime();
    }

    // ---- random knobs -------------------------------------------------------------------------
    static boolean p(Random rnd, double prob) { return rnd.nextDouble() < prob; }

    static String sigFor(Random rnd, PoolKey issuerKey, double weakRate) {
        if (!issuerKey.rsa) return "SHA256withECDSA";
        double d = rnd.nextDouble();
        if (d < weakRate) return "SHA1withRSA";
        if (d < weakRate * 1.6) return "MD5withRSA";
        return "SHA256withRSA";
    }

    static void validityKnob(Random rnd, Spec s, double expired, double future) {
        double d = rnd.nextDouble();
        if (d < expired) { s.from = EXPIRED_FROM; s.to = EXPIRED_TO; }
        else if (d < expired + future) { s.from = FUTURE_FROM; s.to = FUTURE_TO; }
    }

    static Spec rootSpec(Random rnd, String tag, String slug, String cn, PoolKey key, boolean knobs) {
        Spec s = new Spec();
        s.role = tag; s.slug = slug; s.dn = "CN=" + cn + ", O=ksdoctor trust test"; s.key = key;
        boolean v1 = p(rnd, 0.10);
        s.bcCa = true; s.ku = ku(5, 6);
        if (p(rnd, 0.25)) s.ku = null;
        if (p(rnd, 0.15)) s.bcCritical = false;
        if (knobs) {
            double d = rnd.nextDouble();
            if (d < 0.035) { s.bcCa = null; s.knobs.add("knob=root-no-bc"); }
            else if (d < 0.07) { s.ku = ku(0); s.knobs.add("knob=root-ku-no-certsign"); }
            else if (d < 0.10) { s.pathLen = 0; s.knobs.add("knob=root-pathlen0"); }
            validityKnob(rnd, s, 0.05, 0.02);
            if (key.rsa && p(rnd, 0.10)) s.sigAlg = p(rnd, 0.5) ? "MD5withRSA" : "SHA1withRSA";
        }
        s.sigAlg = s.sigAlg != null ? s.sigAlg : (key.rsa ? "SHA256withRSA" : "SHA256withECDSA");
        if (p(rnd, 0.2)) s.ski = "absent";
        if (v1) {                               // a v1 certificate has no extensions at all
            s.v1 = true;
            s.knobs.removeIf(k -> k.startsWith("knob=root-no-bc") || k.startsWith("knob=root-ku")
                    || k.startsWith("knob=root-pathlen"));
        }
        return s;
    }

    // ---- one scenario -------------------------------------------------------------------------
    static final class Scenario {
        final List<Cert> all = new ArrayList<>();
        Cert root, root2, leaf, crossInt;              // crossInt = the second cert of intermediates.get(0)
        final List<Cert> ints = new ArrayList<>();     // top (just under root) .. bottom (issues leaf)
        final List<Cert> unrelated = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
    }

    static void generate(Random rnd, int idx, Path dir) throws Exception {
        Files.createDirectories(dir);
        String tag = String.format("s%03d", idx);
        KeyBag bag = new KeyBag(rnd);
        Scenario sc = new Scenario();
        boolean smallKey = p(rnd, 0.07);
        int smallAt = rnd.nextInt(3); // 0 = leaf, 1 = bottom intermediate (or leaf), 2 = root

        double dd = rnd.nextDouble();
        int depth = dd < 0.15 ? 0 : dd < 0.50 ? 1 : dd < 0.85 ? 2 : 3;
        boolean cross = depth >= 1 && p(rnd, 0.18);
        sc.notes.add("depth=" + depth + " cross=" + cross);

        // root(s)
        PoolKey rootKey = smallKey && smallAt == 2 ? RSA512 : bag.take(p(rnd, 0.4));
        Spec rs = rootSpec(rnd, "root", tag + "-root", tag + " Root CA", rootKey, true);
        if (rootKey == RSA512) rs.knobs.add("knob=small-key");
        sc.root = build(rnd, rs); sc.all.add(sc.root);
        if (cross) {
            Spec r2 = rootSpec(rnd, "root2", tag + "-root2", tag + " Other Root CA", bag.take(p(rnd, 0.4)), false);
            sc.root2 = build(rnd, r2); sc.all.add(sc.root2);
        }

        // intermediates, top to bottom
        Cert issuer = sc.root;
        for (int i = 1; i <= depth; i++) {
            boolean bottom = i == depth;
            Spec s = new Spec();
            s.role = "int" + i; s.slug = tag + "-int" + i; s.dn = "CN=" + tag + " Intermediate CA " + i + ", O=ksdoctor trust test";
            s.key = smallKey && smallAt == 1 && bottom ? RSA512 : bag.take(p(rnd, 0.35));
            if (s.key == RSA512) s.knobs.add("knob=small-key");
            s.issuer = issuer;
            s.sigAlg = sigFor(rnd, issuer.key, 0.06);
            s.bcCa = true; s.ku = ku(5, 6);
            if (p(rnd, 0.2)) s.ku = p(rnd, 0.5) ? null : ku(0, 5, 6);
            if (p(rnd, 0.1)) s.bcCritical = false;
            int below = depth - i;                      // CA certs below this one in the path
            double d = rnd.nextDouble();
            if (d < 0.035) { s.bcCa = null; s.knobs.add("knob=no-bc"); }
            else if (d < 0.07) { s.bcCa = false; s.knobs.add("knob=bc-notca"); }
            else if (d < 0.10) { s.ku = ku(0); s.knobs.add("knob=ku-no-certsign"); }
            else if (d < 0.14 && below > 0) { s.pathLen = 0; s.knobs.add("knob=pathlen-violation"); }
            else if (d < 0.30) { s.pathLen = below + rnd.nextInt(2); }
            validityKnob(rnd, s, 0.035, 0.025);
            double a = rnd.nextDouble();
            if (a < 0.05) { s.aki = "wrong"; s.knobs.add("knob=aki-mismatch"); }
            else if (a < 0.09) s.aki = "absent";
            double k = rnd.nextDouble();
            if (k < 0.05) s.ski = "absent";
            else if (k < 0.08) { s.ski = "random"; s.knobs.add("knob=ski-not-key-hash"); }
            Cert c = build(rnd, s);
            sc.ints.add(c); sc.all.add(c);
            if (i == 1 && cross) {
                // same subject and key, signed by the other root; exactly one of the two is expired
                Spec x = new Spec();
                x.role = "int1x"; x.slug = tag + "-int1x"; x.dn = s.dn; x.key = s.key; x.issuer = sc.root2;
                x.sigAlg = sigFor(rnd, sc.root2.key, 0.0);
                x.bcCa = true; x.ku = ku(5, 6); x.pathLen = s.pathLen >= 0 && p(rnd, 0.5) ? s.pathLen : -1;
                x.ski = s.ski;
                boolean expireCross = p(rnd, 0.5);
                if (expireCross) { x.from = EXPIRED_FROM; x.to = EXPIRED_TO; x.knobs.add("knob=cross-expired"); }
                else if (s.from == NORMAL_FROM) {
                    // re-issue int1 expired (same serial range, same key); keep the random draws aligned
                    s.from = EXPIRED_FROM; s.to = EXPIRED_TO; s.knobs.add("knob=cross-partner-expired");
                    sc.all.remove(c); sc.ints.remove(c);
                    c = build(rnd, s);
                    sc.ints.add(c); sc.all.add(c);
                } else {
                    x.knobs.add("knob=cross-partner-already-invalid");
                }
                sc.crossInt = build(rnd, x); sc.all.add(sc.crossInt);
            }
            issuer = c;
        }

        // leaf
        {
            Spec s = new Spec();
            s.role = "leaf"; s.slug = tag + "-leaf"; s.dn = "CN=mail." + tag + ".pki.test, O=ksdoctor trust test";
            s.key = smallKey && (smallAt == 0 || (smallAt == 1 && depth == 0)) ? RSA512 : bag.take(p(rnd, 0.35));
            if (s.key == RSA512) s.knobs.add("knob=small-key");
            s.issuer = issuer;
            s.sigAlg = sigFor(rnd, issuer.key, 0.08);
            double b = rnd.nextDouble();
            if (b < 0.5) { s.bcCa = false; s.bcCritical = p(rnd, 0.5); }
            else if (b < 0.53) { s.bcCa = true; s.knobs.add("knob=leaf-is-ca"); }
            double k = rnd.nextDouble();
            if (k < 0.45) s.ku = ku(0, 2);
            else if (k < 0.60) s.ku = ku(0);
            else if (k < 0.64) { s.ku = ku(2); s.knobs.add("knob=leaf-ku-no-digitalSignature"); }
            double e = rnd.nextDouble();
            if (e < 0.50) s.eku = List.of(EKU_SERVER, EKU_CLIENT);
            else if (e < 0.65) s.eku = List.of(EKU_SERVER);
            else if (e < 0.72) { s.eku = List.of(EKU_CLIENT); s.knobs.add("knob=eku-client-only"); }
            else if (e < 0.74) { s.eku = List.of(EKU_EMAIL); s.knobs.add("knob=eku-email-only"); }
            else if (e < 0.77) s.eku = List.of(EKU_CLIENT, EKU_ANY);
            validityKnob(rnd, s, 0.035, 0.025);
            double a = rnd.nextDouble();
            if (a < 0.04) { s.aki = "wrong"; s.knobs.add("knob=aki-mismatch"); }
            else if (a < 0.08) s.aki = "absent";
            if (p(rnd, 0.3)) s.ski = "absent";
            sc.leaf = build(rnd, s); sc.all.add(sc.leaf);
        }

        // unrelated roots
        int nUnrel = rnd.nextInt(3);
        for (int u = 0; u < nUnrel; u++) {
            Spec us = rootSpec(rnd, "unrelated" + u, tag + "-unrelated" + u, tag + " Unrelated Root " + u,
                    bag.take(p(rnd, 0.3)), false);
            Cert c = build(rnd, us); sc.unrelated.add(c); sc.all.add(c);
        }

        // ---- the peer chain ----
        List<Cert> issuers = new ArrayList<>();            // the natural bottom-up issuer list
        for (int i = sc.ints.size() - 1; i >= 0; i--) issuers.add(sc.ints.get(i));
        if (cross) {                                     // which cert of the cross pair the server sends
            double w = rnd.nextDouble();
            if (w < 0.4) issuers.set(issuers.size() - 1, sc.crossInt);
            else if (w < 0.6) issuers.add(sc.crossInt);
        }
        boolean withRoot = p(rnd, 0.3);
        List<Cert> peer = new ArrayList<>();
        peer.add(sc.leaf);
        double m = rnd.nextDouble();
        String mode;
        if (m < 0.55) { mode = "complete"; peer.addAll(issuers); if (withRoot) peer.add(sc.root); }
        else if (m < 0.67) {
            mode = "missing-one";
            List<Cert> l = new ArrayList<>(issuers);
            if (!l.isEmpty()) l.remove(rnd.nextInt(l.size()));
            peer.addAll(l); if (withRoot) peer.add(sc.root);
        } else if (m < 0.72) { mode = "leaf-only"; }
        else if (m < 0.84) {
            mode = "reordered";
            List<Cert> l = new ArrayList<>(issuers); if (withRoot) l.add(sc.root);
            Collections.shuffle(l, rnd); peer.addAll(l);
        } else if (m < 0.93) {
            mode = "extra-unrelated";
            List<Cert> l = new ArrayList<>(issuers); if (withRoot) l.add(sc.root);
            Cert extra;
            if (sc.unrelated.isEmpty()) {               // a stray CA nobody trusts
                Spec us = rootSpec(rnd, "stray", tag + "-stray", tag + " Stray CA", bag.take(p(rnd, 0.3)), false);
                extra = build(rnd, us); sc.all.add(extra);
            } else extra = sc.unrelated.get(rnd.nextInt(sc.unrelated.size()));
            l.add(rnd.nextInt(l.size() + 1), extra);
            peer.addAll(l);
        } else {
            mode = "random-subset";
            List<Cert> cand = new ArrayList<>(issuers); cand.add(sc.root);
            if (sc.root2 != null) cand.add(sc.root2);
            for (Cert c : cand) if (p(rnd, 0.5)) peer.add(c);
            List<Cert> tail = new ArrayList<>(peer.subList(1, peer.size()));
            Collections.shuffle(tail, rnd);
            peer.subList(1, peer.size()).clear(); peer.addAll(tail);
        }
        sc.notes.add("peer-mode=" + mode + " with-root=" + withRoot);

        // ---- the truststore ----
        double f = rnd.nextDouble();
        String form = f < 0.31 ? "jks" : f < 0.54 ? "jceks" : f < 0.93 ? "p12" : "openssl";
        LinkedHashMap<String, Cert> trusted = new LinkedHashMap<>();
        if (p(rnd, 0.90)) trusted.put("root", sc.root);
        if (sc.root2 != null && p(rnd, 0.6)) trusted.put("root2", sc.root2);
        if (!sc.ints.isEmpty() && p(rnd, 0.10)) {
            int which = rnd.nextInt(sc.ints.size() + (cross ? 1 : 0));
            Cert ti = which < sc.ints.size() ? sc.ints.get(which) : sc.crossInt;
            trusted.put("intermediate", ti);
        }
        if (p(rnd, 0.03)) trusted.put("leaf", sc.leaf);
        for (int u = 0; u < sc.unrelated.size(); u++) if (p(rnd, 0.7)) trusted.put("unrelated" + u, sc.unrelated.get(u));
        // key entry: its chain[0] is a trust anchor for Java
        String keyEntry = "none";
        PrivateKey keyEntryKey = null; X509Certificate[] keyEntryChain = null;
        if (!form.equals("openssl") && p(rnd, 0.18)) {
            double k = rnd.nextDouble();
            if (k < 0.55) {
                Spec ks = rootSpec(rnd, "keyentry", tag + "-keyentry", tag + " Self-signed Key Entry", bag.take(false), false);
                ks.bcCa = null; ks.ku = ku(0, 2); ks.v1 = false;
                Cert c = build(rnd, ks); sc.all.add(c);
                keyEntry = "self-signed";
                keyEntryKey = c.key.kp.getPrivate(); keyEntryChain = new X509Certificate[]{c.x509};
            } else if (k < 0.80) {
                keyEntry = "root-as-key-entry";
                keyEntryKey = sc.root.key.kp.getPrivate(); keyEntryChain = new X509Certificate[]{sc.root.x509};
            } else {
                keyEntry = "leaf-as-key-entry";
                List<X509Certificate> ch = new ArrayList<>();
                ch.add(sc.leaf.x509);
                for (int i = sc.ints.size() - 1; i >= 0; i--) ch.add(sc.ints.get(i).x509);
                ch.add(sc.root.x509);
                keyEntryKey = sc.leaf.key.kp.getPrivate(); keyEntryChain = ch.toArray(new X509Certificate[0]);
            }
        }
        if (form.equals("openssl") && trusted.isEmpty()) trusted.put("root", sc.root); // openssl needs ≥ 1 cert
        writeStore(dir, form, trusted, keyEntryKey, keyEntryChain);

        // ---- files ----
        writePem(dir.resolve("peer.pem"), certsOf(peer));
        List<X509Certificate> pool = new ArrayList<>();
        for (Cert c : sc.all) if (c != sc.leaf && !c.role.equals("keyentry")) pool.add(c.x509);
        writePem(dir.resolve("pool.pem"), pool);

        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(tag).append(' ').append(String.join(" ", sc.notes)).append('\n');
        for (Cert c : sc.all) {
            sb.append(c.role).append(' ').append(c.slug).append(" sha256=").append(sha256(c.x509))
              .append(' ').append(String.join(" ", c.knobs)).append(" dn=\"").append(c.dn).append("\"\n");
        }
        List<String> po = new ArrayList<>();
        for (Cert c : peer) po.add(c.role);
        sb.append("peer ").append(String.join(",", po)).append('\n');
        List<String> to = new ArrayList<>();
        for (Map.Entry<String, Cert> e : trusted.entrySet()) to.add(e.getKey() + "=" + e.getValue().role);
        sb.append("truststore form=").append(form).append(" file=").append(storeFile(form))
          .append(" trusted=").append(to.isEmpty() ? "-" : String.join(",", to))
          .append(" keyentry=").append(keyEntry).append('\n');
        Files.writeString(dir.resolve("scenario.txt"), sb.toString());
    }

    static String storeFile(String form) {
        switch (form) {
            case "jks": return "trust.jks";
            case "jceks": return "trust.jceks";
            case "p12": return "trust.p12";
            default: return "trust-openssl.p12";
        }
    }

    static void writeStore(Path dir, String form, Map<String, Cert> trusted, PrivateKey key,
                           X509Certificate[] chain) throws Exception {
        Path file = dir.resolve(storeFile(form));
        if (form.equals("openssl")) {
            Path in = dir.resolve("openssl-in.pem");
            List<X509Certificate> l = new ArrayList<>();
            for (Cert c : trusted.values()) l.add(c.x509);
            writePem(in, l);
            Process pr = new ProcessBuilder("openssl", "pkcs12", "-export", "-nokeys", "-in", in.toString(),
                    "-passout", "pass:" + PASS, "-out", file.toString()).redirectErrorStream(true).start();
            String outText = new String(pr.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (pr.waitFor() != 0) throw new IOException("openssl pkcs12 failed: " + outText);
            Files.delete(in);
            return;
        }
        KeyStore ks = KeyStore.getInstance(form.equals("jks") ? "JKS" : form.equals("jceks") ? "JCEKS" : "PKCS12");
        ks.load(null, null);
        for (Map.Entry<String, Cert> e : trusted.entrySet()) ks.setCertificateEntry(e.getKey(), e.getValue().x509);
        if (key != null) ks.setKeyEntry("mykey", key, PASS.toCharArray(), chain);
        try (OutputStream os = Files.newOutputStream(file)) { ks.store(os, PASS.toCharArray()); }
    }

    static List<X509Certificate> certsOf(List<Cert> l) { List<X509Certificate> r = new ArrayList<>(); for (Cert c : l) r.add(c.x509); return r; }

    static void writePem(Path file, List<X509Certificate> certs) throws Exception { TestText.writePem(file, certs); }

    static String sha256(X509Certificate c) throws Exception {
        byte[] d = MessageDigest.getInstance("SHA-256").digest(c.getEncoded());
        StringBuilder sb = new StringBuilder();
        for (byte b : d) sb.append(String.format("%02x", b));
        return sb.toString();
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: TrustScenarios SEED COUNT OUT_DIR");
            System.exit(2);
        }
        long seed = Long.parseLong(args[0]);
        int count = Integer.parseInt(args[1]);
        Path out = Path.of(args[2]);
        Files.createDirectories(out);
        makePool();
        Random rnd = new Random(seed);
        for (int i = 0; i < count; i++) generate(rnd, i, out.resolve(String.format("s%03d", i)));
    }
}
