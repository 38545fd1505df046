/**
 * The Stepwise API, group {@code stepwise.dev}, version {@code v1alpha1}: one class per kind plus
 * its spec and status. The CRDs in {@code crds/} are generated from these classes, so every
 * field carries a description that {@code kubectl explain} shows.
 */
package dev.stepwise.api.v1alpha1;
