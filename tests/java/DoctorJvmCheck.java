// DoctorJvmCheck — what a real JVM says about a DLP keystore after `ksdoctor doctor`'s fixes
// (tests/doctor/demo_test.sh):
//
//   KSDOCTOR_STOREPASS=changeit java -cp DIR DoctorJvmCheck KEYSTORE PEER_CHAIN.pem ALIAS
//
// 1. downstream: KeyStore.getInstance(file, password) -> TrustManagerFactory("PKIX").init(ks) ->
//    X509ExtendedTrustManager.checkServerTrusted(peer chain, "UNKNOWN"): what DLP's Java client
//    says about the downstream MTA's chain with prevent.ks as its truststore.
// 2. key entry: getCertificateChain(ALIAS) has 3 certificates, each signed by the next, the last
//    self-signed, and CertPathValidator("PKIX") accepts chain[0..n-2] anchored at chain[n-1]
//    (revocation off): the chain DLP presents upstream is complete up to its root.
//
// Prints one JSON line {"peer_trusted":..,"peer_message":"..","chain_length":N,
// "chain_complete":..,"chain_message":".."} and exits 0 when both hold, 1 otherwise, 2 on
// errors (keystore does not open, no such key entry).

import java.io.*;
import java.nio.file.*;
import java.security.*;
import java.security.cert.*;
import java.util.*;
import javax.net.ssl.*;

public final class DoctorJvmCheck {
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: DoctorJvmCheck KEYSTORE PEER_CHAIN.pem ALIAS");
            System.exit(2);
        }
        String pass = System.getenv("KSDOCTOR_STOREPASS");
        if (pass == null) {
            System.err.println("DoctorJvmCheck: KSDOCTOR_STOREPASS is not set");
            System.exit(2);
        }
        KeyStore ks = KeyStore.getInstance(new File(args[0]), pass.toCharArray());
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        X509Certificate[] peer;
        try (InputStream in = Files.newInputStream(Path.of(args[1]))) {
            peer = cf.generateCertificates(in).toArray(new X509Certificate[0]);
        }

        // 1. the downstream chain, as DLP's TLS client judges it
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(ks);
        X509ExtendedTrustManager tm = null;
        for (TrustManager t : tmf.getTrustManagers())
            if (t instanceof X509ExtendedTrustManager) tm = (X509ExtendedTrustManager) t;
        boolean peerTrusted;
        String peerMessage = "";
        try {
            tm.checkServerTrusted(peer, "UNKNOWN");
            peerTrusted = true;
        } catch (CertificateException | RuntimeException e) {
            peerTrusted = false;
            peerMessage = String.valueOf(e.getMessage());
        }

        // 2. the key entry's chain
        if (!ks.isKeyEntry(args[2])) {
            System.err.println("DoctorJvmCheck: no key entry '" + args[2] + "'");
            System.exit(2);
        }
        java.security.cert.Certificate[] raw = ks.getCertificateChain(args[2]);
        int length = raw == null ? 0 : raw.length;
        boolean complete = length == 3;
        String chainMessage = complete ? "" : "chain has " + length + " certificate(s), expected 3";
        try {
            if (complete) {
                X509Certificate[] chain = new X509Certificate[length];
                for (int i = 0; i < length; i++) chain[i] = (X509Certificate) raw[i];
                for (int i = 0; i + 1 < length; i++) chain[i].verify(chain[i + 1].getPublicKey());
                X509Certificate root = chain[length - 1];
                if (!root.getSubjectX500Principal().equals(root.getIssuerX500Principal()))
                    throw new CertificateException("the last certificate is not self-issued");
                root.verify(root.getPublicKey());
                CertPath path = cf.generateCertPath(Arrays.asList(chain).subList(0, length - 1));
                PKIXParameters params =
                    new PKIXParameters(Set.of(new TrustAnchor(root, null)));
                params.setRevocationEnabled(false);
                CertPathValidator.getInstance("PKIX").validate(path, params);
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            complete = false;
            chainMessage = e.getClass().getName() + ": " + e.getMessage();
        }
        System.out.println("{\"peer_trusted\":" + peerTrusted + ",\"peer_message\":"
                           + json(peerMessage) + ",\"chain_length\":" + length
                           + ",\"chain_complete\":" + complete + ",\"chain_message\":"
                           + json(chainMessage) + "}");
        System.exit(peerTrusted && complete ? 0 : 1);
    }

    static String json(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }
}
