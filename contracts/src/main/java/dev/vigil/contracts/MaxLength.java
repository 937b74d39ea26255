package dev.vigil.contracts;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The most characters (Unicode code points, as JSON Schema counts them) a text field of an event may
 * hold; one of the {@link EventLimits}. The record's constructor enforces it, and the JSON Schema
 * generated from the record states it as {@code maxLength}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface MaxLength {

    int value();
}
