package dev.serverlessapp.local.routing;

import dev.serverlessapp.local.manifests.ChartModel;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The chart's Brokers, each with the Triggers that name it as its subscriptions. */
public final class Brokers {

    private Brokers() {
    }

    /**
     * One {@link Broker} per Broker in the chart, by name, keeping its undelivered events under
     * {@code folder/<name>}; a Trigger whose subscriber the runtime cannot reach is refused here, before anything runs.
     */
    public static Map<String, Broker> of(ChartModel chart, Destinations destinations, Dispatcher dispatcher,
                                         DeadLetters deadLetters, Path folder) {
        Map<String, Broker> brokers = new LinkedHashMap<>();
        for (ChartModel.Broker broker : chart.brokers()) {
            String name = broker.name();
            List<Broker.Subscription> subscriptions = new ArrayList<>();
            for (ChartModel.Trigger trigger : chart.triggers()) {
                if (name.equals(trigger.broker())) {
                    subscriptions.add(subscription(trigger, broker, destinations));
                }
            }
            brokers.put(name, new Broker(name, subscriptions, dispatcher, deadLetters,
                    PendingDeliveries.in(folder.resolve(name))));
        }
        return brokers;
    }

    private static Broker.Subscription subscription(ChartModel.Trigger trigger, ChartModel.Broker broker,
                                                    Destinations destinations) {
        String name = trigger.name();
        DeliveryPolicy policy = DeliveryPolicy.of(trigger.delivery(), broker.delivery());
        URI subscriber = destinations.resolve(trigger.subscriber());
        if (subscriber == null) {
            throw new IllegalStateException("Trigger " + name + " has a subscriber that is not in the chart: "
                    + trigger.subscriber());
        }
        return new Broker.Subscription(name, EventFilter.of(name, trigger.filter()), subscriber, policy,
                policy.deadLetterSink() == null ? null : destinations.resolve(policy.deadLetterSink()));
    }
}
