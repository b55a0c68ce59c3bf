// A process that commits one IndexedDB transaction through the journal and is then killed.
//   node crash-child.cjs <file> self     SIGKILLs itself inside the transaction's `complete`
//   node crash-child.cjs <file> parent   prints "committed", then keeps a second transaction
//                                        open (it wrote "uncommitted") until the parent kills it
require("./ts-require.cjs");
const { openDurableIndexedDb } = require("../index");

const [file, mode] = process.argv.slice(2);

async function main() {
  const durable = await openDurableIndexedDb({ file });
  const request = durable.indexedDB.open("app", 1);
  request.onupgradeneeded = () => request.result.createObjectStore("kv");
  request.onsuccess = () => {
    const db = request.result;
    const tx = db.transaction("kv", "readwrite");
    tx.objectStore("kv").put({ at: Date.now(), bytes: new Uint8Array([7, 7]) }, "first");
    tx.oncomplete = () => {
      if (mode === "self") process.kill(process.pid, "SIGKILL");
      const open = db.transaction("kv", "readwrite");
      const store = open.objectStore("kv");
      store.put("uncommitted", "second");
      // Keep the transaction busy (never committing) until the parent kills the process.
      const spin = () => {
        store.get("second").onsuccess = spin;
      };
      spin();
      process.stdout.write("committed\n");
    };
  };
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
