package dev.authkeeper.local.shopify;

import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.authkeeper.local.shopify.SimulatedShopify.Customer;

/** Webhook bodies: the shop resource of app/uninstalled and the three mandatory compliance payloads. */
final class ShopifyPayloads {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ShopifyPayloads() {
    }

    /** The shop resource, with the fields an uninstall handler reads (the full list is longer). */
    static ObjectNode shop(long shopId, String shop) {
        String name = shop.substring(0, shop.indexOf('.'));
        return JSON.createObjectNode()
                .put("id", shopId)
                .put("name", name)
                .put("email", "owner@" + name + ".example")
                .put("domain", shop)
                .put("myshopify_domain", shop)
                .put("shop_owner", "Simulated Owner")
                .put("country_code", "CA")
                .put("currency", "CAD")
                .put("plan_name", "basic");
    }

    static ObjectNode shopRedact(long shopId, String shop) {
        return JSON.createObjectNode().put("shop_id", shopId).put("shop_domain", shop);
    }

    static ObjectNode customersRedact(long shopId, String shop, Customer customer, List<Long> orders) {
        ObjectNode payload = shopRedact(shopId, shop);
        payload.set("customer", customer(customer));
        payload.set("orders_to_redact", orders(orders));
        return payload;
    }

    static ObjectNode customersDataRequest(long shopId, String shop, Customer customer, List<Long> orders, long requestId) {
        ObjectNode payload = shopRedact(shopId, shop);
        payload.set("customer", customer(customer));
        payload.set("orders_requested", orders(orders));
        payload.putObject("data_request").put("id", requestId);
        return payload;
    }

    private static ObjectNode customer(Customer customer) {
        return JSON.createObjectNode().put("id", customer.id()).put("email", customer.email()).put("phone", customer.phone());
    }

    private static ArrayNode orders(List<Long> orders) {
        ArrayNode array = JSON.createArrayNode();
        orders.forEach(array::add);
        return array;
    }
}
