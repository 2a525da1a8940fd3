using System.Buffers.Binary;
using System.Text;

namespace NetGen.Bench.Peers;

/// <summary>
/// Marks one symbol-version requirement of an ELF64 little-endian shared library weak
/// (VER_FLG_WEAK in its Vernaux entry of .gnu.version_r), so the dynamic loader accepts a
/// libstdc++ that lacks that version instead of refusing the whole library. glibc's loader
/// only warns (under LD_DEBUG) about a missing weak version. Safe only when no relocation
/// binds a symbol of that version: the caller must know that of the library it patches.
/// Layouts are the ELF gABI's and glibc's elf.h (Elf64_Shdr, Elf64_Verneed, Elf64_Vernaux).
/// </summary>
public static class ElfVersionPatcher
{
    private const uint SectionVersionNeeds = 0x6ffffffe; // SHT_GNU_verneed
    private const ushort VersionFlagWeak = 0x2;          // VER_FLG_WEAK

    /// <summary>
    /// Patches <paramref name="image"/> in memory. Returns true when it changed something, false
    /// when the requirement was already weak or absent; throws on a file that is not ELF64 LE.
    /// </summary>
    /// <param name="image">The whole library file.</param>
    /// <param name="version">The version name, e.g. "GLIBCXX_3.4.32".</param>
    public static bool MarkWeak(Span<byte> image, string version)
    {
        if (image.Length < 64 || image[0] != 0x7f || image[1] != (byte)'E' || image[2] != (byte)'L' || image[3] != (byte)'F')
            throw new InvalidDataException("Not an ELF file.");
        if (image[4] != 2 || image[5] != 1)
            throw new InvalidDataException("Only 64-bit little-endian ELF files are handled.");
        long sectionTable = (long)U64(image, 0x28);
        int entrySize = U16(image, 0x3a), sections = U16(image, 0x3c);
        bool changed = false;
        for (int i = 0; i < sections; i++)
        {
            int header = checked((int)(sectionTable + (long)i * entrySize));
            if (U32(image, header + 4) != SectionVersionNeeds) continue;
            int offset = checked((int)U64(image, header + 0x18));
            int strings = checked((int)U64(image, SectionHeader(image, sectionTable, entrySize, (int)U32(image, header + 0x28)) + 0x18));
            int needs = (int)U32(image, header + 0x2c);
            changed |= MarkInVersionNeeds(image, offset, needs, strings, version);
        }
        return changed;
    }

    /// <summary>Walks the Verneed list (one per needed library) and each one's Vernaux list (one per version).</summary>
    private static bool MarkInVersionNeeds(Span<byte> image, int offset, int needs, int strings, string version)
    {
        bool changed = false;
        int need = offset;
        for (int n = 0; n < needs; n++)
        {
            int auxCount = U16(image, need + 2);
            int aux = need + (int)U32(image, need + 8);
            for (int a = 0; a < auxCount; a++)
            {
                string name = CString(image, strings + (int)U32(image, aux + 8));
                ushort flags = U16(image, aux + 4);
                if (name == version && (flags & VersionFlagWeak) == 0)
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(image[(aux + 4)..], (ushort)(flags | VersionFlagWeak));
                    changed = true;
                }
                aux += (int)U32(image, aux + 12);
            }
            need += (int)U32(image, need + 12);
        }
        return changed;
    }

    private static int SectionHeader(ReadOnlySpan<byte> image, long table, int entrySize, int index) =>
        checked((int)(table + (long)index * entrySize));

    private static string CString(ReadOnlySpan<byte> image, int start)
    {
        int end = image[start..].IndexOf((byte)0);
        return Encoding.ASCII.GetString(image.Slice(start, end));
    }

    private static ushort U16(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt16LittleEndian(b[at..]);

    private static uint U32(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt32LittleEndian(b[at..]);

    private static ulong U64(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt64LittleEndian(b[at..]);
}
