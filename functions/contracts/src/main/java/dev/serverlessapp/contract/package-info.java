/**
 * The contracts between the functions, the chart's checks and the local runtime, each written once: the
 * app table's keys and items (one class per item, naming the one function that writes it), the
 * welcome's outcome and message, the event types, the bucket's layout and Knative's retry rule. README's
 * data model is the same table in prose.
 */
package dev.serverlessapp.contract;
