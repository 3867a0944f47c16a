package jpmscheck;

import dev.vigil.Connection;
import dev.vigil.ConnectionListener;
import dev.vigil.ConnectionManager;
import dev.vigil.MessageCodec;

import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Modifier;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Run by {@code dev.vigil.JpmsTest} in a JVM where Vigil is on the module path and this class on the class path: uses the
 * API as an application would and prints what it sees of the module.
 */
public final class JpmsCheck {
    private JpmsCheck() {
    }

    public static void main(String[] args) throws Exception {
        Module module = ConnectionManager.class.getModule();
        CompletableFuture<String> echoed = new CompletableFuture<>();
        try (ConnectionManager<String> server = ConnectionManager.builder(MessageCodec.utf8())
                .listener(new ConnectionListener<>() {
                    @Override
                    public void onMessage(Connection<String> c, String message) {
                        c.send(message);
                    }
                }).build();
             ConnectionManager<String> client = ConnectionManager.builder(MessageCodec.utf8())
                     .listener(new ConnectionListener<>() {
                         @Override
                         public void onMessage(Connection<String> c, String message) {
                             echoed.complete(message);
                         }
                     }).build()) {
            InetSocketAddress address = server.bind(new InetSocketAddress("127.0.0.1", 0));
            client.connect(address).send("over the module path");
            String qualified = module.getDescriptor().exports().stream().filter(ModuleDescriptor.Exports::isQualified)
                    .map(e -> e.source() + "->" + String.join(",", e.targets())).sorted()
                    .collect(Collectors.joining(" "));
            boolean internalExported = Stream.of("dev.vigil.internal", "dev.vigil.internal.conn",
                    "dev.vigil.internal.wire", "dev.vigil.internal.io").anyMatch(module::isExported);
            boolean managerPublic = Modifier.isPublic(
                    Class.forName("dev.vigil.internal.DefaultConnectionManager").getModifiers());
            System.out.println("module=" + module.getName()
                    + " exportsApi=" + module.isExported("dev.vigil")
                    + " exportsInternal=" + internalExported
                    + " qualified=[" + qualified + "]"
                    + " managerPublic=" + managerPublic
                    + " echo=" + echoed.get(10, TimeUnit.SECONDS));
        }
    }
}
