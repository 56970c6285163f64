package riverbed.connect;

import com.sun.tools.attach.VirtualMachine;
import java.util.Set;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Print a running worker's Debezium streaming metrics for one server (topic prefix).
 *
 * <p>{@code java riverbed.connect.LastEventProbe <pid> <server>} attaches to the JVM, starts its
 * local JMX agent and prints {@code LastEvent} and {@code TotalNumberOfCreateEventsSeen}, one
 * {@code name value} line each.
 */
public final class LastEventProbe {
    private LastEventProbe() {}

    public static void main(String[] args) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(args[0]);
        try {
            String address = vm.startLocalManagementAgent();
            try (JMXConnector jmx = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
                MBeanServerConnection mbeans = jmx.getMBeanServerConnection();
                ObjectName pattern = new ObjectName(
                        "debezium.postgres:type=connector-metrics,context=streaming,server="
                                + args[1] + ",*");
                Set<ObjectName> names = mbeans.queryNames(pattern, null);
                if (names.size() != 1) {
                    throw new IllegalStateException("expected one streaming MBean, found " + names);
                }
                ObjectName name = names.iterator().next();
                for (String attribute : new String[] {"LastEvent", "TotalNumberOfCreateEventsSeen"}) {
                    System.out.println(attribute + " " + mbeans.getAttribute(name, attribute));
                }
            }
        } finally {
            vm.detach();
        }
    }
}
