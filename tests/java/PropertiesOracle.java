// What the JVM reads from .properties files: for each file named on the command line,
// java.util.Properties.load(InputStream) and then, in one block,
//
//   FILE <path>
//   E <key> <value>        one line per entry, sorted by key (String.compareTo: UTF-16 order)
//   ERROR <exception class>: <message>     instead of the entries when load throws
//   END
//
// Keys and values are printed in ASCII so that the comparison is exact at the UTF-16 level:
// every char outside '!'..'~' and every backslash is written as \\uXXXX (lower-case hex), so a
// key never contains a space, and an unpaired surrogate stays visible. One JVM reads every file
// (tests/properties passes a few hundred), which keeps the test fast.
import java.io.FileInputStream;
import java.io.InputStream;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

public class PropertiesOracle {
  static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c > ' ' && c <= '~' && c != '\\') {
        out.append(c);
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    return out.toString();
  }

  public static void main(String[] args) throws Exception {
    StringBuilder out = new StringBuilder();
    for (String path : args) {
      out.append("FILE ").append(path).append('\n');
      Properties props = new Properties();
      try (InputStream in = new FileInputStream(path)) {
        props.load(in);
        TreeMap<String, String> sorted = new TreeMap<>();
        for (Map.Entry<Object, Object> e : props.entrySet()) {
          sorted.put((String) e.getKey(), (String) e.getValue());
        }
        for (Map.Entry<String, String> e : sorted.entrySet()) {
          out.append("E ").append(escape(e.getKey())).append(' ').append(escape(e.getValue()))
              .append('\n');
        }
      } catch (IllegalArgumentException e) {
        out.append("ERROR ").append(e.getClass().getName()).append(": ").append(e.getMessage())
            .append('\n');
      }
      out.append("END\n");
    }
    System.out.print(out);
    System.out.flush();
  }
}
