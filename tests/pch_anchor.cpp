// Anchor translation unit for the tests' precompiled header target.
