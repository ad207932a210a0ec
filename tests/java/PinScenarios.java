// PinScenarios — fixed PKIs for `repair --peer --trust-intermediate` (tests/repair): peers whose
// chain passes through a CA certificate Java refuses, each with a JKS truststore, built with
// TrustScenarios' certificate builder (so every field is exactly what the scenario says).
//
//   javac --add-exports java.base/sun.security.x509=ALL-UNNAMED \
//         --add-exports java.base/sun.security.util=ALL-UNNAMED -d DIR PinScenarios.java TrustScenarios.java TestText.java
//   java  ... -cp DIR PinScenarios OUT_DIR
//
// Writes OUT_DIR/NAME/{peer.pem,trust.jks} (password changeit) and prints one JSON line per
// scenario: {"dir":..,"name":..,"pin":"<sha256 of the CA certificate a pin should trust, or ''>",
// "broken":"<sha256 of the certificate where the path breaks, or ''>"}. The expectations are the
// scenario's design; a JVM (JavaVerdict) says whether Java accepts the peer before and after.
//
//   expired-cross   old root trusted; peer: leaf, Issuing CA (under new root R2), R2 cross-signed
//                   by the old root and expired.  pin: Issuing CA, broken: the cross certificate
//   no-bc           root trusted; peer: leaf, Mail CA, Bridge CA (no basicConstraints) under the
//                   root.  pin: Mail CA, broken: Bridge CA
//   lapsed-issuer   root trusted; peer: leaf, its expired issuer.  no pin (nothing valid below)
//   expired-leaf    as expired-cross, but the leaf itself has expired.  no pin helps
//   future-issuer   root trusted; peer: leaf, its issuer valid only from 2090 (Java:
//                   CertificateNotYetValidException).  no pin
import java.io.OutputStream;
import java.nio.file.*;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.*;

public final class PinScenarios {
    static final String O = ", O=ksdoctor pin test";

    static TrustScenarios.Spec ca(String slug, String cn, TrustScenarios.PoolKey key, TrustScenarios.Cert issuer) {
        TrustScenarios.Spec s = new TrustScenarios.Spec();
        s.role = slug; s.slug = slug; s.dn = "CN=" + cn + O; s.key = key; s.issuer = issuer;
        s.bcCa = true; s.ku = TrustScenarios.ku(5, 6);
        return s;
    }

    static TrustScenarios.Spec leaf(String cn, TrustScenarios.PoolKey key, TrustScenarios.Cert issuer) {
        TrustScenarios.Spec s = new TrustScenarios.Spec();
        s.role = "leaf"; s.slug = "leaf"; s.dn = "CN=" + cn + O; s.key = key; s.issuer = issuer;
        s.bcCa = false; s.ku = TrustScenarios.ku(0, 2); s.eku = List.of(TrustScenarios.EKU_SERVER);
        return s;
    }

    static void expired(TrustScenarios.Spec s) { s.from = TrustScenarios.EXPIRED_FROM; s.to = TrustScenarios.EXPIRED_TO; }

    static void write(Path out, String name, List<TrustScenarios.Cert> peer, TrustScenarios.Cert trusted,
                      TrustScenarios.Cert pin, TrustScenarios.Cert broken) throws Exception {
        Path dir = out.resolve(name);
        Files.createDirectories(dir);
        List<X509Certificate> chain = new ArrayList<>();
        for (TrustScenarios.Cert c : peer) chain.add(c.x509);
        TestText.writePem(dir.resolve("peer.pem"), chain);
        KeyStore ks = KeyStore.getInstance("JKS");
        ks.load(null, null);
        ks.setCertificateEntry("trusted-root", trusted.x509);
        try (OutputStream os = Files.newOutputStream(dir.resolve("trust.jks"))) {
            ks.store(os, TrustScenarios.PASS.toCharArray());
        }
        System.out.println("{\"dir\":" + TestText.json(dir.toString()) + ",\"name\":" + TestText.json(name)
                + ",\"pin\":" + TestText.json(pin == null ? "" : TrustScenarios.sha256(pin.x509))
                + ",\"broken\":" + TestText.json(broken == null ? "" : TrustScenarios.sha256(broken.x509)) + "}");
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: PinScenarios OUT_DIR");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        TrustScenarios.makePool();
        Random rnd = new Random(20261128);
        TrustScenarios.KeyBag bag = new TrustScenarios.KeyBag(rnd);

        // A cross-sign expiry: R2 (new root) was cross-signed by the old root; the cross
        // certificate has expired, and the partner still sends it.
        TrustScenarios.Cert oldRoot = TrustScenarios.build(rnd, ca("old-root", "Pin Old Root", bag.take(false), null));
        TrustScenarios.PoolKey r2Key = bag.take(false);
        TrustScenarios.Cert r2 = TrustScenarios.build(rnd, ca("r2", "Pin Root R2", r2Key, null));
        TrustScenarios.Spec crossSpec = ca("r2", "Pin Root R2", r2Key, oldRoot);
        expired(crossSpec);
        TrustScenarios.Cert cross = TrustScenarios.build(rnd, crossSpec);
        TrustScenarios.Cert issuing = TrustScenarios.build(rnd, ca("issuing", "Pin Issuing CA", bag.take(false), r2));
        TrustScenarios.Cert mx = TrustScenarios.build(rnd, leaf("mx.pin.test", bag.take(false), issuing));
        write(out, "expired-cross", List.of(mx, issuing, cross), oldRoot, issuing, cross);

        TrustScenarios.Spec oldLeaf = leaf("old-mx.pin.test", bag.take(false), issuing);
        expired(oldLeaf);
        TrustScenarios.Cert lapsedLeaf = TrustScenarios.build(rnd, oldLeaf);
        write(out, "expired-leaf", List.of(lapsedLeaf, issuing, cross), oldRoot, null, lapsedLeaf);

        // An intermediate without basicConstraints above a valid one.
        TrustScenarios.Cert root = TrustScenarios.build(rnd, ca("root", "Pin Root", bag.take(false), null));
        TrustScenarios.Spec bridgeSpec = ca("bridge", "Pin Bridge CA", bag.take(false), root);
        bridgeSpec.bcCa = null;
        TrustScenarios.Cert bridge = TrustScenarios.build(rnd, bridgeSpec);
        TrustScenarios.Cert mail = TrustScenarios.build(rnd, ca("mail", "Pin Mail CA", bag.take(false), bridge));
        TrustScenarios.Cert mx3 = TrustScenarios.build(rnd, leaf("mx3.pin.test", bag.take(false), mail));
        write(out, "no-bc", List.of(mx3, mail, bridge), root, mail, bridge);

        // Nothing valid below the break: the leaf's own issuer has expired.
        TrustScenarios.Spec lapsedSpec = ca("lapsed", "Pin Lapsed CA", bag.take(false), root);
        expired(lapsedSpec);
        TrustScenarios.Cert lapsed = TrustScenarios.build(rnd, lapsedSpec);
        TrustScenarios.Cert mx4 = TrustScenarios.build(rnd, leaf("mx4.pin.test", bag.take(false), lapsed));
        write(out, "lapsed-issuer", List.of(mx4, lapsed), root, null, lapsed);

        // Not valid yet: Java's message is "validity check failed", its cause
        // CertificateNotYetValidException.
        TrustScenarios.Spec futureSpec = ca("future", "Pin Future CA", bag.take(false), root);
        futureSpec.from = TrustScenarios.FUTURE_FROM; futureSpec.to = TrustScenarios.FUTURE_TO;
        TrustScenarios.Cert future = TrustScenarios.build(rnd, futureSpec);
        TrustScenarios.Cert mx5 = TrustScenarios.build(rnd, leaf("mx5.pin.test", bag.take(false), future));
        write(out, "future-issuer", List.of(mx5, future), root, null, future);
    }
}
