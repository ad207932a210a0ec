// What a Java 17 TLS client (SSLContext "TLS", defaults) makes of an SMTP server's STARTTLS: the
// oracle the probe tests compare `ksdoctor probe` with. Two handshakes: one trusting anything
// (which protocol and suite Java negotiates, or why the handshake itself fails), one with the
// truststore (Java's trust verdict and message). Prints one line of key=value pairs:
//   protocol=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384 verdict=trusted
//   verdict=handshake_fails message=Received fatal alert: handshake_failure
//
//   java SmtpStartTls HOST PORT TRUSTSTORE STOREPASS
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

public class SmtpStartTls {
  static String reply(BufferedReader in) throws Exception {
    String line;
    String all = "";
    while ((line = in.readLine()) != null) {
      all += line + "\n";
      if (line.length() < 4 || line.charAt(3) == ' ') return all;
    }
    throw new Exception("connection closed");
  }

  // Connects, EHLO, STARTTLS; then a handshake with `context`. Returns the socket after it.
  static SSLSocket handshake(String host, int port, SSLContext context) throws Exception {
    Socket plain = new Socket();
    plain.connect(new InetSocketAddress(host, port), 10000);
    plain.setSoTimeout(10000);
    BufferedReader in =
        new BufferedReader(new InputStreamReader(plain.getInputStream(), StandardCharsets.US_ASCII));
    OutputStream out = plain.getOutputStream();
    reply(in);
    out.write("EHLO java.invalid\r\n".getBytes(StandardCharsets.US_ASCII));
    String ehlo = reply(in);
    if (!ehlo.contains("STARTTLS")) throw new Exception("STARTTLS not offered");
    out.write("STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
    String go = reply(in);
    if (!go.startsWith("220")) throw new Exception("STARTTLS refused: " + go.trim());
    SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
    tls.startHandshake();
    return tls;
  }

  static boolean isTrustFailure(Throwable t) {
    for (; t != null; t = t.getCause()) {
      if (t instanceof CertificateException) return true;
    }
    return false;
  }

  public static void main(String[] args) throws Exception {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    StringBuilder out = new StringBuilder();

    SSLContext anything = SSLContext.getInstance("TLS");
    anything.init(null, new TrustManager[] {new X509TrustManager() {
      public void checkClientTrusted(X509Certificate[] c, String a) {}
      public void checkServerTrusted(X509Certificate[] c, String a) {}
      public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    }}, null);
    try (SSLSocket s = handshake(host, port, anything)) {
      out.append("protocol=").append(s.getSession().getProtocol());
      out.append(" cipher=").append(s.getSession().getCipherSuite());
    } catch (SSLHandshakeException e) {
      System.out.println("verdict=handshake_fails message=" + e.getMessage());
      return;
    }

    KeyStore store = KeyStore.getInstance(new java.io.File(args[2]), args[3].toCharArray());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(store);
    SSLContext trusting = SSLContext.getInstance("TLS");
    trusting.init(null, tmf.getTrustManagers(), null);
    try (SSLSocket s = handshake(host, port, trusting)) {
      out.append(" verdict=trusted");
    } catch (SSLHandshakeException e) {
      if (!isTrustFailure(e)) throw e;
      out.append(" verdict=untrusted message=").append(e.getMessage());
    }
    System.out.println(out);
  }
}
