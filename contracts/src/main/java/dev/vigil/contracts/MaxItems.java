package dev.vigil.contracts;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The most items a list field of an event may hold; one of the {@link EventLimits}. The record's
 * constructor enforces it (so an event over it is malformed on reading), and the JSON Schema
 * generated from the record states it as {@code maxItems}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface MaxItems {

    int value();
}
