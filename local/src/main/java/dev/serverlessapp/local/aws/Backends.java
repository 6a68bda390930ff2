package dev.serverlessapp.local.aws;

/** Embedded servers, LocalStack (or any one AWS-compatible endpoint), or real AWS. */
public enum Backends { EMBEDDED, LOCALSTACK, AWS }
