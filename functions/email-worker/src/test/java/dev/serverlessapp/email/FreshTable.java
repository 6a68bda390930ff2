package dev.serverlessapp.email;

import dev.serverlessapp.support.table.AppTable;
import dev.serverlessapp.backends.Backends;

/** A new app table for one test class. */
final class FreshTable {

    private FreshTable() {
    }

    static String create(Backends backends, String prefix) {
        String name = prefix + "-" + java.util.UUID.randomUUID();
        backends.clients().createTable(AppTable.createTableRequest(name));
        return name;
    }
}
