package dev.serverlessapp.deploy;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The Pod Security Standards as Kubernetes' pod-security admission (v1.30 policies) applies them to
 * the pods that will run in the namespace: each function's pod as Knative Serving builds it (the
 * template's containers plus its queue-proxy), and the pods Knative Eventing creates there for the
 * IntegrationSources and the IntegrationSink. The namespace can enforce only the strictest level
 * every one of them meets: those connector pods carry no securityContext (Eventing 1.17 to 1.22:
 * reconciler/integration/source/resources/containersource.go, sink/resources/container_image.go),
 * so with them in the namespace that is {@code baseline}, with {@code restricted} warned and audited.
 */
public final class PodSecurity {

    public static final String ENFORCE = "pod-security.kubernetes.io/enforce";
    public static final String RESTRICTED = "restricted";
    public static final String BASELINE = "baseline";

    private static final Set<String> BASELINE_CAPABILITIES = Set.of("AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID",
            "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT");
    private static final Set<String> RESTRICTED_VOLUMES = Set.of("configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
            "persistentVolumeClaim", "projected", "secret");
    private static final Map<String, Function<Volume, Object>> VOLUME_SOURCES = volumeSources();

    /** Knative Serving's queue-proxy sidecar (reconciler/revision/resources/queue.go, queueSecurityContext). */
    static final Container QUEUE_PROXY = new ContainerBuilder().withName("queue-proxy")
            .withSecurityContext(new SecurityContextBuilder().withAllowPrivilegeEscalation(false).withReadOnlyRootFilesystem(true)
                    .withRunAsNonRoot(true).withNewCapabilities().withDrop("ALL").endCapabilities()
                    .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().build())
            .build();
    /** The container Knative Eventing runs for an IntegrationSource or IntegrationSink: image, env, probes, no securityContext. */
    static final PodSpec CONNECTOR = new PodSpecBuilder().addNewContainer().withName("source").endContainer().build();

    private PodSecurity() {
    }

    /** Why this pod does not meet the level ("baseline" or "restricted"); empty when it does. */
    public static List<String> violations(PodSpec pod, String level) {
        List<String> problems = new ArrayList<>();
        PodSecurityContext podContext = pod.getSecurityContext() == null ? new PodSecurityContext() : pod.getSecurityContext();
        if (Boolean.TRUE.equals(pod.getHostNetwork()) || Boolean.TRUE.equals(pod.getHostPID()) || Boolean.TRUE.equals(pod.getHostIPC())) {
            problems.add("host namespaces (hostNetwork, hostPID, hostIPC) must not be used");
        }
        if (podContext.getSysctls() != null && !podContext.getSysctls().isEmpty()) {
            problems.add("sysctls are not in the safe set");
        }
        if (podContext.getSeccompProfile() != null && "Unconfined".equals(podContext.getSeccompProfile().getType())) {
            problems.add("pod seccompProfile must not be Unconfined");
        }
        for (Volume volume : pod.getVolumes()) {
            List<String> sources = VOLUME_SOURCES.entrySet().stream()
                    .filter(e -> e.getValue().apply(volume) != null).map(Map.Entry::getKey).toList();
            if (sources.contains("hostPath")) {
                problems.add("volume " + volume.getName() + " is a hostPath");
            } else if (level.equals(RESTRICTED) && !RESTRICTED_VOLUMES.containsAll(sources)) {
                problems.add("volume " + volume.getName() + " uses " + sources + ", not a restricted volume type");
            }
        }
        List<Container> containers = new ArrayList<>(pod.getContainers());
        containers.addAll(pod.getInitContainers());
        for (Container container : containers) {
            problems.addAll(container(container, podContext, level).stream().map(p -> "container " + container.getName() + " " + p).toList());
        }
        return problems;
    }

    private static List<String> container(Container container, PodSecurityContext pod, String level) {
        List<String> problems = new ArrayList<>();
        SecurityContext context = container.getSecurityContext() == null ? new SecurityContext() : container.getSecurityContext();
        if (Boolean.TRUE.equals(context.getPrivileged())) {
            problems.add("is privileged");
        }
        if (container.getPorts().stream().anyMatch(p -> p.getHostPort() != null && p.getHostPort() != 0)) {
            problems.add("uses a hostPort");
        }
        if (context.getProcMount() != null && !"Default".equals(context.getProcMount())) {
            problems.add("has procMount " + context.getProcMount());
        }
        Capabilities capabilities = context.getCapabilities();
        List<String> added = capabilities == null ? List.of() : capabilities.getAdd();
        if (!BASELINE_CAPABILITIES.containsAll(added)) {
            problems.add("adds capabilities beyond the baseline set: " + added);
        }
        String seccomp = context.getSeccompProfile() != null ? context.getSeccompProfile().getType()
                : pod.getSeccompProfile() != null ? pod.getSeccompProfile().getType() : null;
        if ("Unconfined".equals(seccomp)) {
            problems.add("has seccompProfile Unconfined");
        }
        if (!level.equals(RESTRICTED)) {
            return problems;
        }
        if (!Boolean.FALSE.equals(context.getAllowPrivilegeEscalation())) {
            problems.add("does not set allowPrivilegeEscalation: false");
        }
        Boolean nonRoot = context.getRunAsNonRoot() != null ? context.getRunAsNonRoot() : pod.getRunAsNonRoot();
        if (!Boolean.TRUE.equals(nonRoot)) {
            problems.add("does not set runAsNonRoot: true");
        }
        Long user = context.getRunAsUser() != null ? context.getRunAsUser() : pod.getRunAsUser();
        if (Objects.equals(user, 0L)) {
            problems.add("runs as user 0");
        }
        if (!"RuntimeDefault".equals(seccomp) && !"Localhost".equals(seccomp)) {
            problems.add("has seccompProfile " + seccomp + ", not RuntimeDefault or Localhost");
        }
        if (capabilities == null || !capabilities.getDrop().contains("ALL")) {
            problems.add("does not drop ALL capabilities");
        }
        if (!Set.of("NET_BIND_SERVICE").containsAll(added)) {
            problems.add("adds capabilities other than NET_BIND_SERVICE: " + added);
        }
        return problems;
    }

    /** Every pod the install runs in its namespace, by what it is, as Knative will run it. */
    public static Map<String, PodSpec> pods(Manifests manifests) {
        Map<String, PodSpec> pods = new LinkedHashMap<>();
        for (var service : manifests.services()) {
            var revision = service.getSpec().getTemplate().getSpec();
            PodSpec pod = new PodSpecBuilder().withContainers(revision.getContainers()).addToContainers(QUEUE_PROXY)
                    .withInitContainers(revision.getInitContainers()).withVolumes(revision.getVolumes())
                    .withSecurityContext(revision.getSecurityContext()).withHostNetwork(revision.getHostNetwork())
                    .withHostPID(revision.getHostPID()).withHostIPC(revision.getHostIPC()).build();
            pods.put("Service " + service.getMetadata().getName(), pod);
        }
        manifests.integrationSources().forEach(source -> pods.put("IntegrationSource " + source.getMetadata().getName(), CONNECTOR));
        manifests.integrationSinks().forEach(sink -> pods.put("IntegrationSink " + sink.getMetadata().getName(), CONNECTOR));
        return pods;
    }

    /** The strictest level every pod of the install meets: what the namespace can enforce. */
    public static String enforceableLevel(Manifests manifests) {
        return pods(manifests).values().stream().allMatch(pod -> violations(pod, RESTRICTED).isEmpty()) ? RESTRICTED : BASELINE;
    }

    private static Map<String, Function<Volume, Object>> volumeSources() {
        Map<String, Function<Volume, Object>> sources = new LinkedHashMap<>();
        sources.put("configMap", Volume::getConfigMap);
        sources.put("csi", Volume::getCsi);
        sources.put("downwardAPI", Volume::getDownwardAPI);
        sources.put("emptyDir", Volume::getEmptyDir);
        sources.put("ephemeral", Volume::getEphemeral);
        sources.put("persistentVolumeClaim", Volume::getPersistentVolumeClaim);
        sources.put("projected", Volume::getProjected);
        sources.put("secret", Volume::getSecret);
        sources.put("hostPath", Volume::getHostPath);
        sources.put("image", Volume::getImage);
        sources.put("nfs", Volume::getNfs);
        sources.put("iscsi", Volume::getIscsi);
        sources.put("gitRepo", Volume::getGitRepo);
        return sources;
    }
}
