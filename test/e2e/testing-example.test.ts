// The example suite of docs/testing.md (examples/testing/) runs as part of ours, exactly as a user
// would run it: it imports `openeas/testing` by the package's own name.
import '../../examples/testing/resource-groups.test.ts';
